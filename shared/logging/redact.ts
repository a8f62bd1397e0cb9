/**
 * PII never reaches a log line: any field whose name says it holds a person's
 * name, contact or address is replaced, at any depth.
 */
const PII_KEYS = new Set(
  [
    'phone', 'mobile', 'email', 'mail', 'address', 'street', 'zip', 'postalcode', 'city', 'town',
    'name', 'firstname', 'lastname', 'fullname', 'buyer', 'customer', 'geo', 'lat', 'lon',
    'authorization', 'password', 'token', 'secret', 'accesstoken', 'clientsecret', 'signature',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[redacted]';

function isPiiKey(key: string): boolean {
  return PII_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isPiiKey(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
