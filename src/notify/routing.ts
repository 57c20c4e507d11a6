/**
 * Routing: which channels an alert goes to. A route names channels and conditions; an alert
 * matches a route when it meets every condition the route gives (a list condition: any of its
 * items). The alert goes to the union of the channels of the routes it matches. With no routes
 * at all, every alert goes to every channel. Rule ids and hosts match `*` / `?` globs (hosts
 * case-insensitively: hosts are stored lower-case). Pure.
 */
import { globMatch } from '../core/enrich.js';
import { SEVERITIES, type Severity } from '../core/event.js';

export interface RouteConfig {
  channels: readonly string[];
  /** At least this severe; null = any. */
  min_severity: Severity | null;
  /** Any of these; [] = any. */
  severities: readonly Severity[];
  /** Rule id globs; [] = any rule. */
  rules: readonly string[];
  /** Host globs; [] = any host. An alert without a host matches only a route without hosts. */
  hosts: readonly string[];
}

export interface RoutedAlert {
  severity: Severity;
  rule_id: string;
  host: string | null;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export function routeMatches(r: RouteConfig, a: RoutedAlert): boolean {
  if (r.min_severity !== null && rank(a.severity) < rank(r.min_severity)) return false;
  if (r.severities.length > 0 && !r.severities.includes(a.severity)) return false;
  if (r.rules.length > 0 && !r.rules.some((g) => globMatch(g, a.rule_id))) return false;
  if (r.hosts.length > 0) {
    const host = a.host;
    if (host === null || !r.hosts.some((g) => globMatch(g.toLowerCase(), host))) return false;
  }
  return true;
}

/**
 * The channels an alert goes to, in the order `channels` lists them (each once).
 * `channels` are the configured channel names.
 */
export function routeAlert(routes: readonly RouteConfig[], channels: readonly string[], a: RoutedAlert): string[] {
  if (routes.length === 0) return [...channels];
  const hit = new Set<string>();
  for (const r of routes) if (routeMatches(r, a)) for (const c of r.channels) hit.add(c);
  return channels.filter((c) => hit.has(c));
}
