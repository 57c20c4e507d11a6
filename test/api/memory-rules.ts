// An in-memory RulesPort for the API tests: the rule list and counters a test needs, and the
// enable/disable calls it received. The rules' real port (src/app/rules-port.ts) needs a
// running detection; the API tests of alerts use the real SQLite alerts port (alert-seed.ts).
import type { RulesPort } from '../../src/api/ports.js';
import type { RefusedRule, RuleInfo } from '../../src/core/rules/rule-info.js';

export class MemoryRules implements RulesPort {
  readonly changes: { id: string; enabled: boolean; by: string }[] = [];
  private readonly rules: RuleInfo[];
  /** Counters default to a rule that never fired; `refusedRules` are those refused at start. */
  constructor(
    rules: (Omit<RuleInfo, 'stats' | 'failures' | 'logsource'> & Partial<Pick<RuleInfo, 'stats' | 'failures' | 'logsource'>>)[],
    private readonly refusedRules: RefusedRule[] = [],
  ) {
    this.rules = rules.map((r) => ({ stats: { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null }, failures: 0, logsource: null, ...r }));
  }
  async list(): Promise<RuleInfo[]> {
    return this.rules.map((r) => ({ ...r, stats: { ...r.stats } }));
  }
  async refused(): Promise<RefusedRule[]> {
    return this.refusedRules.map((r) => ({ ...r }));
  }
  refusedCount(): number {
    return this.refusedRules.length;
  }
  async setEnabled(id: string, enabled: boolean, by: string): Promise<RuleInfo | null> {
    const r = this.rules.find((x) => x.id === id);
    if (!r) return null;
    r.enabled = enabled;
    this.changes.push({ id, enabled, by });
    return { ...r };
  }
}
