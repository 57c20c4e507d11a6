/**
 * Encryption at rest: the ciphers the store offers and the key format. Pure (no driver, no
 * I/O) so the config schema can validate keys with the same rules the store applies.
 * docs/encryption.md explains the choice.
 */

/**
 * SQLite3 Multiple Ciphers schemes, all authenticated per page (a changed byte on disk is an
 * error, not silently wrong data):
 * - aegis: AEGIS-256 (AES round function; fastest where the CPU has AES instructions).
 * - chacha20: ChaCha20-Poly1305 (the library's default; the better choice without them).
 * - sqlcipher: AES-256-CBC with HMAC-SHA512 per page (the SQLCipher scheme).
 */
export const STORE_CIPHERS = ['aegis', 'chacha20', 'sqlcipher'] as const;
export type StoreCipher = (typeof STORE_CIPHERS)[number];

/** A raw 256-bit key, used as is (no passphrase key derivation: see docs/encryption.md). */
export const STORE_KEY_BYTES = 32;

export interface StoreEncryption {
  /** STORE_KEY_BYTES random bytes. */
  key: Buffer;
  cipher: StoreCipher;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes in base64: 43 significant characters and one '=' of padding (which may be left off).
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}=?$/;

/**
 * The key written as text (a key file's content or a config value): 64 hex digits
 * (`openssl rand -hex 32`) or 32 bytes in base64 (`openssl rand -base64 32`), surrounding
 * whitespace ignored. Null when it is neither, or a placeholder; the caller names the key in its error.
 */
export function parseStoreKey(text: string): Buffer | null {
  const t = text.trim();
  let key: Buffer;
  if (HEX_KEY.test(t)) key = Buffer.from(t, 'hex');
  else if (BASE64_KEY.test(t)) key = Buffer.from(t, 'base64');
  else if (BASE64URL_KEY.test(t)) key = Buffer.from(t, 'base64url');
  else return null;
  // One byte repeated (000…0, fff…f) is a placeholder someone forgot to replace, not a key.
  if (key.length !== STORE_KEY_BYTES || key.every((b) => b === key[0])) return null;
  return key;
}

/** What a key must look like, for error messages. */
export const STORE_KEY_FORMAT = `${STORE_KEY_BYTES} random bytes, as 64 hex digits (\`openssl rand -hex 32\`) or as base64 (\`openssl rand -base64 32\`)`;
