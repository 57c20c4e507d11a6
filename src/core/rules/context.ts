/**
 * What rule compilers (the logagg kinds and the Sigma compiler) receive besides the rule
 * document. Pure data: files are read by the adapter (src/rules/rule-files.ts) before compiling.
 */
export interface RuleCompileContext {
  /**
   * Named lists, already read from files by the adapter. Keys are list names (a file
   * `lists/bad-ips.txt` under the rules folder is `bad-ips`) or the path a rule used
   * (`lists/bad-ips.txt`), both relative to the rules folder. Entries are trimmed, non-empty,
   * comments removed.
   */
  lists: ReadonlyMap<string, readonly string[]>;
  /** Sigma field name → logagg field path (src/core/fields.ts), e.g. `Image: process`. */
  sigmaFieldMap: Readonly<Record<string, string>>;
  /** Suppression window used when a rule names none, milliseconds. */
  defaultSuppressMs: number;
  /**
   * Upper bound on the groups (distinct `group_by` values) a stateful rule keeps; the least
   * recently seen group is dropped beyond it. Default 10 000.
   */
  maxGroups?: number;
}

export const DEFAULT_MAX_GROUPS = 10_000;

/** A context with defaults, for tests and for tools that compile rules without config. */
export function ruleCompileContext(partial: Partial<RuleCompileContext> = {}): RuleCompileContext {
  return {
    lists: partial.lists ?? new Map(),
    sigmaFieldMap: partial.sigmaFieldMap ?? {},
    defaultSuppressMs: partial.defaultSuppressMs ?? 600_000, // ten minutes
    maxGroups: partial.maxGroups ?? DEFAULT_MAX_GROUPS,
  };
}
