import { z } from 'zod';
import { env } from '../config';

/**
 * The transit keys, read once with `parseConfig` when `VAULT_ADDR` is set (how Vault is reached
 * is `vaultConfigSchema` in shared/secrets). Two keys: one encrypts, the other only computes
 * blind indexes, pinned at `PII_HMAC_KEY_VERSION` so indexes stay comparable whatever is rotated.
 */
export const piiTransitConfigSchema = z.object({
  PII_TRANSIT_KEY: z.string().min(1).default('pii'),
  PII_HMAC_KEY: z.string().min(1).default('pii-index'),
  PII_HMAC_KEY_VERSION: env.int(1),
  /** Items per `batch_input`: one request carries at most this many. */
  PII_BATCH_SIZE: env.int(250),
});
export type PiiTransitConfig = z.infer<typeof piiTransitConfigSchema>;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const key32 = (text: string) => (BASE64.test(text) ? Buffer.from(text, 'base64') : undefined);

/**
 * `1:<base64 32 bytes>,2:<base64 32 bytes>` → version → key. Problems are named without echoing
 * a key. The highest version encrypts.
 */
const localKeys = z.string().transform((text, ctx) => {
  const keys = new Map<number, Buffer>();
  for (const [i, entry] of text.split(',').entries()) {
    const [version, material = ''] = entry.trim().split(':', 2);
    const n = Number(version);
    const key = key32(material.trim());
    if (!Number.isInteger(n) || n < 1) ctx.addIssue({ code: 'custom', message: `entry ${i + 1}: expected <version>:<base64 key> with a version ≥ 1` });
    else if (keys.has(n)) ctx.addIssue({ code: 'custom', message: `version ${n} appears twice` });
    else if (key?.length !== 32) ctx.addIssue({ code: 'custom', message: `version ${n}: the key must be 32 bytes in base64` });
    else keys.set(n, key);
  }
  return keys;
});

/**
 * The embedded default (no `VAULT_ADDR`): AES-256-GCM keys and the blind-index HMAC key from the
 * environment. Secrets, so no defaults. `PII_LOCAL_MIN_DECRYPTION_VERSION` retires old versions
 * as transit's `min_decryption_version` does.
 */
export const piiLocalConfigSchema = z.object({
  PII_LOCAL_KEYS: z.string().min(1).pipe(localKeys),
  PII_LOCAL_HMAC_KEY: z
    .string()
    .min(1)
    .transform((text, ctx) => {
      const key = key32(text.trim());
      if (key === undefined || key.length < 32) ctx.addIssue({ code: 'custom', message: 'at least 32 bytes in base64' });
      return key ?? Buffer.alloc(0);
    }),
  PII_LOCAL_MIN_DECRYPTION_VERSION: env.int(1),
});
export type PiiLocalConfig = z.infer<typeof piiLocalConfigSchema>;
