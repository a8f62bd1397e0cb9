import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * The signatures of the providers' webhooks, checked with node:crypto alone (no vendor SDK).
 *
 * Twilio (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed by the account's auth token, of the URL
 * Twilio was given (query string included, as is) followed by every POST parameter sorted by
 * name, name then value, no separators; a repeated parameter contributes each distinct value,
 * sorted (twilio-node / twilio-python `RequestValidator`). Twilio is inconsistent about the
 * default port, so, as its validators do, the URL is also tried without its port and with it
 * (the scheme's default, :443 or :80, added when it has none).
 *
 * SendGrid event webhook (`X-Twilio-Email-Event-Webhook-Signature`, `-Timestamp`): ECDSA P-256
 * with SHA-256 over the timestamp followed by the raw body bytes; the public key as SendGrid
 * shows it (base64 of the DER SubjectPublicKeyInfo), the signature base64 of DER. A timestamp
 * further than the tolerance from now, in the past or the future, is refused (a replay).
 */

export const TWILIO_SIGNATURE_HEADER = 'X-Twilio-Signature';
export const SENDGRID_SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const SENDGRID_TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

/** The POST parameters of a Twilio request; a repeated parameter holds its values. */
export type TwilioParams = Record<string, string | readonly string[]>;

export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name] ?? '';
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export function verifyTwilioSignature(authToken: string, url: string, params: TwilioParams, header: string | undefined): boolean {
  if (!header || !authToken) return false;
  // Every candidate is computed and compared: the time taken does not tell which one matched.
  const results = urlCandidates(url).map((candidate) => sameText(header, twilioSignature(authToken, candidate, params)));
  return results.some(Boolean);
}

/**
 * The URLs a signature may have been made over: the URL as given, then — as twilio-node's
 * validateRequest tries — the URL (WHATWG-normalised) without its port and with it, the scheme's
 * default (:443, :80) added when it names none.
 */
function urlCandidates(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [url];
  }
  const userinfo = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  const tail = `${u.pathname}${u.search}${u.hash}`;
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return [...new Set([url, `${u.protocol}//${userinfo}${u.hostname}${tail}`, `${u.protocol}//${userinfo}${u.hostname}:${port}${tail}`])];
}

export interface SendGridVerifyOptions {
  /** How far the timestamp may be from now, either way, in seconds: 600 unless told. */
  toleranceS?: number;
  now?: Date;
}

export const DEFAULT_SIGNATURE_TOLERANCE_S = 600;

/** Whether a webhook timestamp (Unix seconds) is within the tolerance of now. */
export function freshTimestamp(timestamp: string | undefined, options: SendGridVerifyOptions = {}): boolean {
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = (options.now ?? new Date()).getTime() / 1000;
  return Math.abs(now - Number(timestamp)) <= (options.toleranceS ?? DEFAULT_SIGNATURE_TOLERANCE_S);
}

export function verifySendGridSignature(
  publicKeyBase64: string,
  signatureBase64: string | undefined,
  timestamp: string | undefined,
  rawBody: Buffer,
  options: SendGridVerifyOptions = {},
): boolean {
  if (!signatureBase64 || timestamp === undefined || !freshTimestamp(timestamp, options)) return false;
  const key = publicKeyOf(publicKeyBase64);
  if (!key) return false;
  try {
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    return verify('sha256', signed, { key, dsaEncoding: 'der' }, Buffer.from(signatureBase64, 'base64'));
  } catch {
    // A key or a signature that is not DER: not a valid signature.
    return false;
  }
}

/** The verification key, parsed once per configured value (every webhook request verifies with it); undefined when it is not a DER SPKI key. */
const publicKeys = new Map<string, KeyObject | undefined>();
function publicKeyOf(base64: string): KeyObject | undefined {
  if (!publicKeys.has(base64)) {
    let key: KeyObject | undefined;
    try {
      key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    } catch {
      key = undefined;
    }
    publicKeys.set(base64, key);
  }
  return publicKeys.get(base64);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
