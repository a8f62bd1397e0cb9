import { createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';

/**
 * The signatures the vendors put on their webhooks, computed here independently of the
 * functions' verification (two implementations of the published algorithms check each other):
 *
 * - Twilio `X-Twilio-Signature`: base64 HMAC-SHA1, keyed by the auth token, of the full URL the
 *   request is POSTed to followed by each POST parameter sorted by name, name then value, with no
 *   separators (a name given twice: its values sorted too).
 * - SendGrid `X-Twilio-Email-Event-Webhook-Signature`: ECDSA P-256 over SHA-256 of the timestamp
 *   (`X-Twilio-Email-Event-Webhook-Timestamp`, epoch seconds) followed by the raw body, base64 of
 *   the DER signature; the public key is shown as base64 DER SPKI.
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const pairs = [...params.entries()].sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)));
  const data = url + pairs.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Code-unit order, as Twilio's libraries sort (not the locale's). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sendgridSignature(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign('sha256', Buffer.from(timestamp + body, 'utf8'), privateKey).toString('base64');
}

export const privateKeyOf = (pem: string) => createPrivateKey(pem);

/** The public key as SendGrid's settings page shows it: base64 of the DER SubjectPublicKeyInfo. */
export const publicKeyBase64 = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
