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
   * Restricts rules by their `logsource`. Keys are `category:NAME`, `product:NAME` or
   * `service:NAME`; values are Sigma selection maps over logagg field paths (modifiers allowed),
   * e.g. `{ 'product:linux': { 'source.topic|startswith': 'linux' }, 'service:sshd': { process: 'sshd' } }`.
   * A rule whose logsource names an entry only sees events matching every named entry. Without
   * an entry, a logsource does not restrict.
   */
  sigmaLogsources?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export type SigmaContext = RuleCompileContext & SigmaOptions;
