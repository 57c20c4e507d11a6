import jwt from 'jsonwebtoken';
import { describe, expect, test } from 'vitest';
import { mintToken, signHs256 } from '../../src/auth/token-signer.js';

const secret = Buffer.from('a-secret-of-at-least-thirty-two-bytes!!');
const NOW = Date.UTC(2025, 0, 15, 12);

describe('mintToken', () => {
  test('jsonwebtoken verifies it, with the claims asked for', () => {
    const t = mintToken({ secret, subject: 'alice', roles: ['analyst'], hosts: ['web-*'], ttlMs: 8 * 3_600_000, now: NOW, issuer: 'logagg', audience: 'api' });
    const claims = jwt.verify(t, secret, { algorithms: ['HS256'], clockTimestamp: NOW / 1000 + 60, issuer: 'logagg', audience: 'api' }) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'alice', roles: ['analyst'], hosts: ['web-*'], iat: NOW / 1000, nbf: NOW / 1000, exp: NOW / 1000 + 8 * 3600 });
    expect(claims.jti).toEqual(expect.any(String));
    expect(JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  test('no hosts = no scope claim; custom claim names', () => {
    const t = mintToken({ secret, subject: 's', roles: ['viewer'], ttlMs: 1000, now: NOW, rolesClaim: 'r', hostsClaim: 'h' });
    const claims = jwt.decode(t) as Record<string, unknown>;
    expect(claims.r).toEqual(['viewer']);
    expect(claims).not.toHaveProperty('h');
    expect(claims).not.toHaveProperty('roles');
  });

  test('expired after the ttl; another secret does not verify', () => {
    const t = mintToken({ secret, subject: 's', roles: ['viewer'], ttlMs: 60_000, now: NOW });
    expect(() => jwt.verify(t, secret, { clockTimestamp: NOW / 1000 + 61 })).toThrow(/expired/);
    expect(() => jwt.verify(t, 'another-secret-another-secret-xxxxx', { clockTimestamp: NOW / 1000 })).toThrow(/signature/);
  });

  test('signHs256 matches jsonwebtoken byte for byte', () => {
    const payload = { a: 1, b: 'x' };
    expect(signHs256(payload, secret)).toBe(jwt.sign(payload, secret, { algorithm: 'HS256', noTimestamp: true }));
  });
});
