/**
 * The key material tokens are verified with, loaded once at start from `api.auth`:
 * HS256 — a shared secret (file or config/env), at least 32 bytes (RFC 7518 §3.2);
 * RS256 / ES256 — a PEM public key, or a JWKS file whose key is chosen by the token's `kid`.
 * A missing or unusable key stops start-up with a ConfigError naming the key.
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApiConfig, JwtAlgorithm } from '../config/sections/api.js';
import { ConfigError } from '../errors.js';

type AuthConfig = Readonly<ApiConfig['auth']>;

export const MIN_HS_SECRET_BYTES = 32;

/** Chooses the key for a token from its header; throws (→ 401) when none fits. */
export type KeyLookup = (header: { kid?: unknown; alg?: unknown }) => KeyObject;

export interface VerificationKeys {
  algorithm: JwtAlgorithm;
  lookup: KeyLookup;
}

function fail(key: string, message: string): never {
  throw new ConfigError([{ key: `api.auth.${key}`, message }]);
}

function readText(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    fail(key, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The HS256 secret from secret_file or secret (exactly one); also used by `logagg token`. */
export function resolveHsSecret(auth: AuthConfig): Buffer {
  if (auth.secret_file !== null && auth.secret !== '') fail('secret', 'set secret_file or secret, not both');
  const text = auth.secret_file !== null ? readText(auth.secret_file, 'secret_file').trim() : auth.secret;
  if (text === '') {
    fail('secret', 'HS256 needs a secret: set api.auth.secret_file, or LOGAGG_API_AUTH_SECRET (at least 32 bytes, e.g. `openssl rand -base64 48`)');
  }
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length < MIN_HS_SECRET_BYTES) fail(auth.secret_file !== null ? 'secret_file' : 'secret', `the HS256 secret is ${bytes.length} bytes; use at least ${MIN_HS_SECRET_BYTES}`);
  return bytes;
}

/** Whether a public key can verify the algorithm (RSA for RS256, EC P-256 for ES256). */
function fits(key: KeyObject, alg: JwtAlgorithm): boolean {
  if (alg === 'RS256') return key.asymmetricKeyType === 'rsa';
  if (alg === 'ES256') return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  return false;
}

function loadPublicKey(file: string, alg: JwtAlgorithm): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(readText(file, 'public_key_file'));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    fail('public_key_file', `${file} is not a PEM public key or certificate: ${(e as Error).message}`);
  }
  if (!fits(key, alg)) fail('public_key_file', `${file} holds a ${key.asymmetricKeyType} key, which cannot verify ${alg}`);
  return key;
}

interface Jwk {
  kid?: unknown;
  kty?: unknown;
  use?: unknown;
  alg?: unknown;
}

function loadJwks(file: string, alg: JwtAlgorithm): Map<string | null, KeyObject> {
  let doc: unknown;
  try {
    doc = JSON.parse(readText(file, 'jwks_file'));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    fail('jwks_file', `${file} is not JSON: ${(e as Error).message}`);
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) fail('jwks_file', `${file} must be a JWKS: {"keys": [...]}`);
  const out = new Map<string | null, KeyObject>();
  for (const [i, jwk] of (keys as Jwk[]).entries()) {
    if (jwk === null || typeof jwk !== 'object') fail('jwks_file', `keys[${i}] is not an object`);
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.alg !== undefined && jwk.alg !== alg) continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch (e) {
      fail('jwks_file', `keys[${i}] is not a usable public key: ${(e as Error).message}`);
    }
    if (key.type !== 'public') fail('jwks_file', `keys[${i}] is not a public key`);
    if (!fits(key, alg)) continue;
    const kid = typeof jwk.kid === 'string' ? jwk.kid : null;
    if (out.has(kid)) fail('jwks_file', `two ${alg} keys share kid ${JSON.stringify(kid)}`);
    out.set(kid, key);
  }
  if (out.size === 0) fail('jwks_file', `${file} has no signing key usable with ${alg}`);
  return out;
}

export function loadVerificationKeys(auth: AuthConfig): VerificationKeys {
  const alg = auth.algorithm;
  if (alg === 'HS256') {
    if (auth.public_key_file !== null || auth.jwks_file !== null) fail('algorithm', 'HS256 uses secret or secret_file; public_key_file and jwks_file are for RS256 / ES256');
    const key = createSecretKey(resolveHsSecret(auth));
    return { algorithm: alg, lookup: () => key };
  }
  if (auth.secret !== '' || auth.secret_file !== null) fail('algorithm', `${alg} verifies with a public key; remove secret / secret_file (no shared secret may verify ${alg} tokens)`);
  if ((auth.public_key_file === null) === (auth.jwks_file === null)) fail('public_key_file', `${alg} needs exactly one of public_key_file or jwks_file`);
  if (auth.public_key_file !== null) {
    const key = loadPublicKey(auth.public_key_file, alg);
    return { algorithm: alg, lookup: () => key };
  }
  const keys = loadJwks(auth.jwks_file as string, alg);
  const only = keys.size === 1 ? [...keys.values()][0]! : null;
  return {
    algorithm: alg,
    lookup: (header) => {
      if (typeof header.kid === 'string') {
        const k = keys.get(header.kid);
        if (!k) throw new Error(`no key with kid ${JSON.stringify(header.kid.slice(0, 64))} in the key set`);
        return k;
      }
      const k = keys.get(null) ?? only;
      if (!k) throw new Error('the token names no kid and the key set has several keys');
      return k;
    },
  };
}
