/**
 * Password hashes for local accounts: scrypt (node:crypto), N=2^15, r=8, p=1, a 16-byte random
 * salt, 32-byte key, stored in the PHC string format with its parameters:
 *   $scrypt$ln=15,r=8,p=1$<salt, base64 unpadded>$<hash, base64 unpadded>
 * so the parameters can be raised later and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of N (the CPU and memory cost). */
  ln: number;
  r: number;
  p: number;
}

export const SCRYPT_DEFAULTS: Readonly<ScryptParams> = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** The bounds a stored hash's parameters must keep to be tried at all (a damaged row must not exhaust memory). */
const MAX_LN = 20;
const MAX_R = 16;
const MAX_P = 4;

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]{16,64})\$([A-Za-z0-9+/]{32,128})$/;

function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  // scrypt needs 128·N·r bytes; the default maxmem (32 MiB) is exactly that at N=2^15, r=8 and refuses it.
  const maxmem = 256 * N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const b64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: ScryptParams = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(encoded: string): Parsed | null {
  const m = PHC.exec(encoded);
  if (!m) return null;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > MAX_LN || params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) return null;
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/**
 * A hash of a random password made once per process: verified against when the account does
 * not exist, so an unknown name costs the same scrypt run as a wrong password.
 */
let dummy: Promise<string> | null = null;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64'));
  return dummy;
}

/** Makes the dummy hash ahead of the first sign-in, so an unknown name costs no extra scrypt run even then. */
export function prepareDummyHash(): void {
  void dummyHash();
}

/**
 * Whether the password matches the stored hash, compared in constant time. `encoded` null (no
 * such account) still runs scrypt once, against a dummy hash, and answers false.
 */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  const parsed = parse(encoded ?? (await dummyHash()));
  const target = parsed ?? parse(await dummyHash())!;
  const key = await derive(password, target.salt, target.params, target.key.length);
  return timingSafeEqual(key, target.key) && parsed !== null && encoded !== null;
}

