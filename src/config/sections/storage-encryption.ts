import { z } from 'zod';
import { parseStoreKey, STORE_CIPHERS, STORE_KEY_FORMAT } from '../../store/cipher.js';

/**
 * `storage.encryption`: the whole database file (and its WAL) encrypted at rest
 * (docs/encryption.md). Wired into storageSchema in src/config/schema.ts; config/default.yaml
 * documents the same keys. The key file is read when the store opens
 * (src/store/store-options.ts); a key given inline (or through LOGAGG_STORAGE_ENCRYPTION_KEY)
 * is checked here.
 */
export const encryptionSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** aegis (AEGIS-256) | chacha20 (ChaCha20-Poly1305) | sqlcipher (AES-256-CBC + HMAC-SHA512). */
    cipher: z.enum(STORE_CIPHERS).default('aegis'),
    /** A file holding the key: 64 hex digits or base64 of 32 random bytes. */
    key_file: z.string().min(1, 'must not be empty; null = no key file').nullable().default(null),
    /** The key itself. Prefer key_file or LOGAGG_STORAGE_ENCRYPTION_KEY to writing it in a file. */
    key: z
      .string()
      .default('')
      .superRefine((v, ctx) => {
        if (v !== '' && parseStoreKey(v) === null) ctx.addIssue({ code: 'custom', message: `not a usable key: write ${STORE_KEY_FORMAT}` });
      }),
  })
  .prefault({})
  .superRefine((c, ctx) => {
    const given = c.key_file !== null || c.key !== '';
    if (c.key_file !== null && c.key !== '') {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'set key_file or key (LOGAGG_STORAGE_ENCRYPTION_KEY), not both' });
    } else if (c.enabled && !given) {
      ctx.addIssue({
        code: 'custom',
        path: ['key_file'],
        message: `encryption is enabled but no key is set: set storage.encryption.key_file, or LOGAGG_STORAGE_ENCRYPTION_KEY, to ${STORE_KEY_FORMAT}`,
      });
    } else if (!c.enabled && given) {
      // A key with encryption off would leave an operator believing the data is encrypted.
      ctx.addIssue({ code: 'custom', path: ['enabled'], message: 'a key is set but encryption is off: set storage.encryption.enabled: true, or remove the key' });
    }
  });

export type EncryptionConfig = z.output<typeof encryptionSchema>;
