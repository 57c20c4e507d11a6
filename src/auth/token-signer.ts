/**
 * Minting HS256 tokens (RFC 7519) for operators and tests: `logagg token`. Verification is
 * koa-jwt's; this only signs, with node:crypto.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Role } from './roles.js';

export interface MintOptions {
  secret: Buffer;
  /** The `sub` claim. */
  subject: string;
  roles: readonly Role[];
  /** Host scope; undefined = every host. */
  hosts?: readonly string[];
  /** Lifetime, ms. */
  ttlMs: number;
  /** Issue time, epoch ms. */
  now: number;
  issuer?: string | null;
  audience?: string | null;
  rolesClaim?: string;
  hostsClaim?: string;
  /** More claims (e.g. the session version of a sign-in); the registered ones above win. */
  extraClaims?: Record<string, unknown>;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

export function signHs256(payload: Record<string, unknown>, secret: Buffer): string {
  const head = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(payload);
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

export function mintToken(o: MintOptions): string {
  const iat = Math.floor(o.now / 1000);
  const payload: Record<string, unknown> = {
    ...o.extraClaims,
    sub: o.subject,
    [o.rolesClaim ?? 'roles']: [...o.roles],
    iat,
    nbf: iat,
    exp: iat + Math.max(1, Math.round(o.ttlMs / 1000)),
    jti: randomUUID(),
  };
  if (o.hosts !== undefined) payload[o.hostsClaim ?? 'hosts'] = [...o.hosts];
  if (o.issuer) payload.iss = o.issuer;
  if (o.audience) payload.aud = o.audience;
  return signHs256(payload, o.secret);
}
