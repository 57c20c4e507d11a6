import type { Command } from 'commander';
import { processEnv, type CliEnv } from '../config/environment.js';
import { loadConfig, type FrozenConfig } from '../config/load.js';
import { createLogger, type Logger } from '../logger.js';

/**
 * What every subcommand needs: the validated config (global --config, LOGAGG_* env, and the
 * command's own flags as overrides), a logger, and the environment as config read it
 * (src/config/environment.ts: the one place that reads process.env).
 */
export interface CliContext {
  config: FrozenConfig;
  logger: Logger;
  env: CliEnv;
}

export function cliContext(cmd: Command, overrides: Record<string, unknown> = {}): CliContext {
  const root = rootOf(cmd);
  const globals = root.opts<{ config?: string; logLevel?: string }>();
  const env = processEnv();
  const file = globals.config ?? env.configFile;
  const config = loadConfig({
    file,
    env: env.vars,
    overrides: { ...overrides, ...(globals.logLevel ? { 'log.level': globals.logLevel } : {}) },
  });
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  return { config, logger, env };
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/** Splits a comma-separated flag value ("a,b" -> ["a","b"]); undefined stays undefined. */
export function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}
