/**
 * Roles and the principal a verified token becomes. Pure.
 *
 * viewer < analyst < admin: each role can do what the ones below it can.
 *   viewer  — read logs, alerts, metrics, the stream, readiness and the OpenAPI document;
 *   analyst — + acknowledge, resolve and reopen alerts, read the rules;
 *   admin   — + enable and disable rules.
 * `ingest` stands apart (for writing events, a later feature): it grants none of the above.
 */
export const ROLES = ['viewer', 'analyst', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];
export type ReadRole = Exclude<Role, 'ingest'>;

const RANK: Readonly<Record<ReadRole, number>> = { viewer: 1, analyst: 2, admin: 3 };

export interface Principal {
  /** The token's `sub`; recorded as "who" on alert changes. */
  subject: string;
  /** Every known role the token carries. */
  roles: ReadonlySet<Role>;
  /** Host names or `*` patterns this token may see; undefined = every host. */
  hostScope: readonly string[] | undefined;
  /** Identifies the token for per-token rate limiting (a hash, never the token). */
  tokenId: string;
  /** Where the token came from: a Bearer header (or access_token), or the console's session cookie. */
  via?: 'cookie' | 'bearer';
  /** The token's exp, epoch ms. */
  expiresAt?: number;
}

export function hasRole(p: Principal, needed: ReadRole | 'ingest'): boolean {
  if (needed === 'ingest') return p.roles.has('ingest');
  for (const r of p.roles) {
    if (r !== 'ingest' && RANK[r] >= RANK[needed]) return true;
  }
  return false;
}

/** The highest read role, for messages; null when the token has none. */
export function highestRole(p: Principal): ReadRole | null {
  let best: ReadRole | null = null;
  for (const r of p.roles) if (r !== 'ingest' && (best === null || RANK[r] > RANK[best])) best = r;
  return best;
}

const MAX_SCOPE = 100;
const MAX_PATTERN = 256;

export type ClaimResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The roles claim: a role name or a list of them. Unknown names are ignored; case-insensitive. */
export function parseRolesClaim(value: unknown, claim: string): ClaimResult<Set<Role>> {
  if (value === undefined) return { ok: true, value: new Set() };
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((r) => typeof r !== 'string')) {
    return { ok: false, reason: `the ${claim} claim must be a role name or a list of role names` };
  }
  const roles = new Set<Role>();
  for (const r of list as string[]) {
    const name = r.trim().toLowerCase();
    if ((ROLES as readonly string[]).includes(name)) roles.add(name as Role);
  }
  return { ok: true, value: roles };
}

/**
 * The host-scope claim: absent = every host; a list of host names or `*` patterns (a single
 * string is a list of one). An empty list is valid and permits nothing.
 */
export function parseHostsClaim(value: unknown, claim: string): ClaimResult<string[] | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  const list = typeof value === 'string' ? [value] : value;
  const bad = { ok: false as const, reason: `the ${claim} claim must be a list of at most ${MAX_SCOPE} host names or patterns like web-*` };
  if (!Array.isArray(list) || list.length > MAX_SCOPE) return bad;
  for (const h of list) if (typeof h !== 'string' || h.trim() === '' || h.length > MAX_PATTERN) return bad;
  return { ok: true, value: (list as string[]).map((h) => h.trim().toLowerCase()) };
}

/** Whether a host is inside a scope (same rules as the store's SQL: exact names, `*` globs, case-insensitive). */
export function hostInScope(host: string | null, scope: readonly string[] | undefined): boolean {
  if (scope === undefined) return true;
  if (host === null) return false;
  const h = host.toLowerCase();
  return scope.some((p) => (p.includes('*') ? globToRegExp(p).test(h) : p.toLowerCase() === h));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}
