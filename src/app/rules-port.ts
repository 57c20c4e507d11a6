/**
 * The API's RulesPort over the running detection: the rules in force with their counters, and
 * enable/disable, which takes effect on the next batch and is kept in the database
 * (rule_overrides) across restarts and rule reloads.
 */
import type { RulesPort } from '../api/ports.js';
import type { RefusedRule, RuleInfo } from '../core/rules/rule-info.js';
import type { RuleStats } from '../store/rule-state.js';
import type { DetectionService, RuleReport } from './detection.js';

/** RuleInfo and what the API may show besides (GET /rules sends the RuleInfo fields). */
export interface RuleInfoWithStats extends RuleInfo {
  stats: RuleStats;
  /** Batches in which the rule threw since start. */
  failures: number;
}

function info(r: RuleReport): RuleInfoWithStats {
  return {
    id: r.meta.id,
    name: r.meta.name,
    kind: r.meta.kind,
    severity: r.meta.severity,
    enabled: r.enabled,
    description: r.meta.description,
    tags: [...r.meta.tags],
    stats: { ...r.stats },
    failures: r.failures,
    logsource: r.logsource === null ? null : { ...r.logsource, applied: [...r.logsource.applied] },
  };
}

export class DetectionRulesPort implements RulesPort {
  constructor(
    private readonly detection: DetectionService,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(): Promise<RuleInfoWithStats[]> {
    return this.detection.rules().map(info);
  }

  async refused(): Promise<RefusedRule[]> {
    return this.detection.refusedRules();
  }

  refusedCount(): number {
    return this.detection.refusedRules().length;
  }

  async setEnabled(id: string, enabled: boolean, by: string): Promise<RuleInfoWithStats | null> {
    if (!this.detection.setEnabled(id, enabled, by, this.clock())) return null;
    const r = this.detection.rules().find((x) => x.meta.id === id);
    return r === undefined ? null : info(r);
  }
}
