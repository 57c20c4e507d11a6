import { Command, CommanderError } from 'commander';
import { isLogaggError } from '../errors.js';
import { VERSION } from '../version.js';
type Register = (program: Command) => void;

/**
 * Every subcommand, loaded on demand: a run imports only the command it executes (Ink, Koa and
 * kafkajs are large; `logagg version` should not compile them). Help without a command loads all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  consume: async () => (await import('./commands/consume.js')).registerConsume,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  token: async () => (await import('./commands/token.js')).registerToken,
  query: async () => (await import('./commands/query.js')).registerQuery,
  status: async () => (await import('./commands/status.js')).registerStatus,
  prune: async () => (await import('./commands/prune.js')).registerPrune,
  migrate: async () => (await import('./commands/migrate.js')).registerMigrate,
  backup: async () => (await import('./commands/backup.js')).registerBackup,
  restore: async () => (await import('./commands/restore.js')).registerRestore,
  replay: async () => (await import('./commands/replay.js')).registerReplay,
  tail: async () => (await import('./commands/tail.js')).registerTail,
  notify: async () => (await import('./commands/notify.js')).registerNotify,
  rules: async () => (await import('./commands/rules.js')).registerRules,
  silence: async () => (await import('./commands/silence.js')).registerSilence,
  user: async () => (await import('./commands/user.js')).registerUser,
  parse: async () => (await import('./commands/parse.js')).registerParse,
  version: async () => (await import('./commands/version.js')).registerVersion,
};

/** Global options that take a value, to find the command name in argv. */
const GLOBAL_WITH_VALUE = new Set(['-c', '--config', '--log-level']);

/** The subcommands argv names (one, or none when it asks for general help or names no known command). */
export function commandsFor(args: readonly string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    if (a === 'help') {
      const next = args[i + 1];
      return next !== undefined && next in COMMANDS ? [next] : Object.keys(COMMANDS);
    }
    return a in COMMANDS ? [a] : Object.keys(COMMANDS);
  }
  return Object.keys(COMMANDS);
}

/**
 * The CLI: registers one file per subcommand and maps errors to exit codes
 * (0 ok, 1 runtime error, 2 usage or config error). Nothing else lives here.
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('logagg')
    .description('Log aggregation appliance with SIEM features: Kafka -> normalize -> detect -> SQLite')
    .version(VERSION, '-V, --version')
    .option('-c, --config <file>', 'config file (YAML); also LOGAGG_CONFIG')
    .option('--log-level <level>', 'debug | info | warn | error | silent')
    .showHelpAfterError()
    .exitOverride();
  for (const name of commandsFor(argv.slice(2))) (await (COMMANDS[name] as () => Promise<Register>)())(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // `logagg query … | head`: a closed pipe ends the command quietly, like other Unix tools.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version "errors" are exits with code 0; usage mistakes are 2
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isLogaggError(e)) {
      process.stderr.write(`logagg: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`logagg: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
