import type { RuleCompileContext } from '../context.js';

/**
 * Sigma settings a compile context may carry besides RuleCompileContext's own (all optional,
 * so any RuleCompileContext is a SigmaContext).
 */
export interface SigmaOptions {
  /**
   * What `level: informational` rules do. `skip` (default): they load disabled, since the
   * specification says they should not alert; `LOW`: they alert at LOW.
   */
  sigmaInformational?: 'skip' | 'LOW';
  /**
   * The built-in logsource presets (logsource-presets.ts): a rule's `logsource` becomes a
   * condition on the event, ANDed before its detection, and a field mapping. Off unless true
   * here (a bare compile context knows nothing of the appliance); the config turns it on by
   * default (`detection.sigma.presets`).
   */
  sigmaPresets?: boolean;
  /**
   * Logsource entries over the presets. Keys: `category:NAME`, `product:NAME`, `service:NAME` or
   * several joined by commas (`product:windows,category:process_creation`); a rule takes every
   * entry whose parts its logsource has. Values: `{ when, fields }` — `when` a Sigma selection
   * (or detection with a condition) over logagg paths, null for none; `fields` Sigma name →
   * logagg path — or, the older form, just the selection. A key equal to a preset's replaces its
   * condition and adds to its fields. E.g. `{ 'service:sshd': { process: 'sshd' } }`.
   */
  sigmaLogsources?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Rules whose logsource no preset or entry covers see every event (`all`, default), or load
   * disabled (`skip`).
   */
  sigmaUnmappedLogsource?: 'all' | 'skip';
  /** Named value lists for the `expand` modifier's `%name%` placeholders. */
  sigmaPlaceholders?: Readonly<Record<string, readonly string[]>>;
}

export type SigmaContext = RuleCompileContext & SigmaOptions;
