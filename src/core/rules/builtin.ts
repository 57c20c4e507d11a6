import type { Severity } from '../event.js';
import type { RuleCompileContext } from './context.js';
import { compileRules, formatRuleError } from './compile.js';
import { LogaggError } from '../../errors.js';
import type { CompiledRule } from './types.js';

/**
 * Threshold anomalies from config: one threshold rule per configured metric, e.g.
 * `{ cpu_pct: 90, mem_pct: 95, net_out: '50MB/s' }`. A value is "alert above": the rule fires
 * when the metric exceeds it (`>`). Ids are `builtin.<metric>` (`builtin.cpu_pct`).
 */
export interface BuiltinThresholdConfig {
  cpu_pct?: number | string;
  mem_pct?: number | string;
  disk_pct?: number | string;
  /** bytes/s, or a rate like `50MB/s`. */
  net_in?: number | string;
  net_out?: number | string;
  /** Severity of the built-in rules; default HIGH. */
  severity?: Severity;
  /** Consecutive events (3) or a duration (`5m`) the value must stay above; default none. */
  for?: number | string;
  /** Suppression window, e.g. `10m`; default from the compile context. */
  suppress?: string;
}

const METRICS = [
  { key: 'cpu_pct', name: 'CPU usage above threshold', title: (v: string) => `CPU {cpu_pct}% on {host} (above ${v})` },
  { key: 'mem_pct', name: 'Memory usage above threshold', title: (v: string) => `Memory {mem_pct}% on {host} (above ${v})` },
  { key: 'disk_pct', name: 'Disk usage above threshold', title: (v: string) => `Disk {disk_pct}% on {host} (above ${v})` },
  { key: 'net_in', name: 'Inbound traffic above threshold', title: (v: string) => `Inbound {net_in:bytes}/s on {host} (above ${v})` },
  { key: 'net_out', name: 'Outbound traffic above threshold', title: (v: string) => `Outbound {net_out:bytes}/s on {host} (above ${v})` },
] as const;

/** Throws RULE_INVALID (naming the config key) when a value is not understood. */
export function builtinThresholdRules(cfg: BuiltinThresholdConfig, ctx: RuleCompileContext): CompiledRule[] {
  const docs = [];
  for (const m of METRICS) {
    const value = cfg[m.key];
    if (value === undefined) continue;
    const shown = typeof value === 'number' && m.key.endsWith('_pct') ? `${value}%` : String(value);
    docs.push({
      file: `config (${m.key})`,
      index: 0,
      doc: {
        id: `builtin.${m.key}`,
        name: m.name,
        kind: 'threshold',
        severity: cfg.severity ?? 'HIGH',
        description: `Built-in threshold from config: ${m.key} above ${shown}.`,
        tags: ['builtin', 'threshold'],
        field: m.key,
        op: '>',
        value,
        title: m.title(shown.replace(/[{}]/g, '')),
        ...(cfg.for === undefined ? {} : { for: cfg.for }),
        ...(cfg.suppress === undefined ? {} : { suppress: cfg.suppress }),
      },
    });
  }
  const { rules, errors } = compileRules(docs, ctx);
  if (errors.length > 0) throw new LogaggError('RULE_INVALID', errors.map(formatRuleError).join('\n'), { details: { errors } });
  return rules;
}
