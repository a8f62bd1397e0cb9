import type { Counts, Settings } from './controls';
import type { Delivery } from './outbox';
import type { SandboxMessage } from './state';
import type { ReplyOutcome } from './twilio-phones';

/**
 * Small clients of the messaging sandbox's control API (`/_sandbox/...`, see control-api.ts) for
 * the mesh, scripts, tests and benchmarks: what phones and mailboxes received, a phone's reply,
 * pacing and failure modes, counts, the event webhook's public key.
 */
async function control<T>(sandboxUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandboxUrl}/_sandbox${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`${method} /_sandbox${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The SMS and email the sandbox took (and the phones' replies), oldest first; `to` a phone or an address. */
export async function sandboxMessages(sandboxUrl: string, filter: { to?: string; channel?: 'sms' | 'email' } = {}): Promise<SandboxMessage[]> {
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return (await control<{ messages: SandboxMessage[] }>(sandboxUrl, 'GET', `/messages?${query.toString()}`)).messages;
}

/** The phone `from` replies `body` (STOP, START, any text): POSTed, signed, to the inbound URL; resolves once answered. */
export function replyFromPhone(sandboxUrl: string, from: string, body: string, to?: string): Promise<ReplyOutcome> {
  return control(sandboxUrl, 'POST', '/replies', { from, body, ...(to ? { to } : {}) });
}

export function updateSettings(sandboxUrl: string, settings: Partial<Settings>): Promise<Settings> {
  return control(sandboxUrl, 'POST', '/settings', settings);
}

/** The next `count` sends of the channel are answered 429 (with Retry-After) or 503, and not taken. */
export function failNextSends(
  sandboxUrl: string,
  failure: { channel: 'sms' | 'email'; count: number; status?: 429 | 503; retryAfterSeconds?: number },
): Promise<unknown> {
  return control(sandboxUrl, 'POST', '/fail', failure);
}

/** What becomes of later sends to `phone`; `delivered` undoes the others (an opt-out included). */
export function setPhoneFate(
  sandboxUrl: string,
  phone: string,
  fate: 'delivered' | 'opted-out' | 'invalid' | { undelivered: 30003 | 30005 },
): Promise<unknown> {
  const body = typeof fate === 'string' ? { phone, fate } : { phone, fate: 'undelivered', errorCode: fate.undelivered };
  return control(sandboxUrl, 'POST', '/phones', body);
}

/** What becomes of later mail to `email`; `delivered` also takes it off the bounce list. */
export function setMailboxFate(sandboxUrl: string, email: string, fate: 'delivered' | 'bounce' | 'dropped'): Promise<unknown> {
  return control(sandboxUrl, 'POST', '/mailboxes', { email, fate });
}

/** Sends accepted since the start or the last reset: totals, per recipient, and when each was accepted. */
export function sandboxCounts(sandboxUrl: string): Promise<Counts> {
  return control(sandboxUrl, 'GET', '/counts');
}

export function resetCounts(sandboxUrl: string): Promise<Counts> {
  return control(sandboxUrl, 'DELETE', '/counts');
}

/** The event webhook's public key, base64 DER SPKI, as SendGrid's settings page shows it. */
export async function sendgridPublicKey(sandboxUrl: string): Promise<string> {
  return (await control<{ publicKey: string }>(sandboxUrl, 'GET', '/public-key')).publicKey;
}

/** The last webhook requests the sandbox made and what became of them. */
export async function sandboxDeliveries(sandboxUrl: string): Promise<Delivery[]> {
  return (await control<{ deliveries: Delivery[] }>(sandboxUrl, 'GET', '/deliveries')).deliveries;
}
