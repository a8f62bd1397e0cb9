import type { PiiDecryptReason } from './errors';
import type { PiiKeyStatus } from './types';

const VERSIONED = /^(vault|local):v([1-9]\d{0,8}):([A-Za-z0-9+/]+={0,2})$/;

/** `<origin>:vN:<base64>` → its parts; undefined when it is not of that shape or another origin. */
export function parseCiphertext(origin: 'vault' | 'local', ciphertext: string): { version: number; body: string } | undefined {
  const match = VERSIONED.exec(ciphertext);
  if (!match || match[1] !== origin) return undefined;
  return { version: Number(match[2]), body: match[3]! };
}

/** The reason a ciphertext failed, from its version against the key's versions (no error text parsed). */
export function reasonFor(version: number | undefined, key: PiiKeyStatus): PiiDecryptReason {
  if (version === undefined) return 'malformed';
  if (version < key.minDecryptionVersion) return 'retired-key-version';
  if (version > key.latestVersion) return 'unknown-key-version';
  return 'tampered';
}

/** `purpose` names what an index is for (`customer-phone`): lowercase, no `:`, so `purpose:value` is unambiguous. */
const PURPOSE = /^[a-z][a-z0-9._-]{0,62}$/;
export function indexInput(purpose: string, value: string): Buffer {
  if (!PURPOSE.test(purpose)) throw new Error(`PII blind index: invalid purpose "${purpose}" (lowercase letters, digits, . _ -)`);
  return Buffer.from(`${purpose}:${value}`, 'utf8');
}

export const toBase64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
export const fromBase64 = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
