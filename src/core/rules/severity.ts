import type { AssetInfo, Severity, Threat } from '../event.js';
import { SEVERITIES } from '../event.js';

/**
 * Alert severities: LOW < MEDIUM < HIGH < CRITICAL. A finding starts at its rule's severity,
 * may take the highest severity of the triggering event's threats (`severity_from: threats`),
 * and is raised by a configured number of steps when the event's asset is marked critical.
 */

const RANK: Readonly<Record<Severity, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Moves `steps` up (or down, when negative), capped at CRITICAL and LOW. */
export function raiseSeverity(s: Severity, steps = 1): Severity {
  const r = Math.min(SEVERITIES.length - 1, Math.max(0, RANK[s] + Math.trunc(steps)));
  return SEVERITIES[r] as Severity;
}

/** `high`, `HIGH`, ` High ` → HIGH; null for anything else. */
export function parseSeverity(v: unknown): Severity | null {
  if (typeof v !== 'string') return null;
  const u = v.trim().toUpperCase();
  return u in RANK ? (u as Severity) : null;
}

/** The highest severity among threats, or null when there are none. */
export function threatsSeverity(threats: readonly Threat[]): Severity | null {
  let best: Severity | null = null;
  for (const t of threats) {
    const s = parseSeverity(t.severity);
    if (s !== null && (best === null || RANK[s] > RANK[best])) best = s;
  }
  return best;
}

/** When and how far an asset's criticality raises a finding's severity. */
export interface AssetRaisePolicy {
  /** Asset criticalities (lower-case) that raise: default ['critical']. */
  criticalities: readonly string[];
  /** Steps to raise, default 1; 0 turns raising off. */
  steps: number;
}

export const DEFAULT_ASSET_RAISE: AssetRaisePolicy = Object.freeze({ criticalities: Object.freeze(['critical']), steps: 1 });

/** The severity after the asset policy; unchanged when the asset is unknown or not listed. */
export function assetRaisedSeverity(s: Severity, asset: AssetInfo | null | undefined, policy: AssetRaisePolicy): Severity {
  const c = asset?.criticality;
  if (c === undefined || policy.steps === 0) return s;
  return policy.criticalities.includes(c.toLowerCase()) ? raiseSeverity(s, policy.steps) : s;
}
