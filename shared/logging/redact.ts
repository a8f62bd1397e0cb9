/**
 * PII never reaches a log line: any field whose name says it holds a person's
 * name, contact or address is replaced, at any depth.
 */
/** Key names that hold PII wherever they appear in a name: `customerPhone`, `email_address`. */
const PII_PARTS = [
  'phone',
  'mobile',
  'email',
  'mail',
  'address',
  'street',
  'postalcode',
  'zipcode',
  'firstname',
  'lastname',
  'fullname',
  'authorization',
  'password',
  'token',
  'secret',
  'signature',
  'cookie',
];
/** Short names that hold PII only as the whole key (`name`, not `eventName`). */
const PII_KEYS = new Set(['name', 'zip', 'city', 'town', 'buyer', 'customer', 'geo', 'lat', 'lon', 'latitude', 'longitude']);

export const REDACTED = '[redacted]';

function isPiiKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return PII_KEYS.has(k) || PII_PARTS.some((part) => k.includes(part));
}

/** Beyond this depth (or in a cycle) a value is replaced, never passed through unredacted. */
const MAX_DEPTH = 8;
export const TRUNCATED = '[truncated]';

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return TRUNCATED;
  if (value instanceof Date) return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isPiiKey(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
