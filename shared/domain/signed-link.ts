import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token of a link a customer acts from without an account: `<payload>.<signature>`, both
 * base64url, the payload a JSON object, the signature HMAC-SHA256 of the payload with the link's
 * secret. What the payload binds (and its expiry) is the caller's: tv-answer-token.ts, customer-link.ts.
 */
function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signLink(secret: string, body: Record<string, unknown>): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** The token's payload, parsed, when its signature is this secret's; undefined when malformed or forged. */
export function openLink(secret: string, token: string): unknown {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return undefined;
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
