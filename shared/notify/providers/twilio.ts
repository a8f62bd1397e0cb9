import { exchange, readJson, retryAfterMs } from './exchange';
import type { Price, SendOutcome, SmsFound, SmsProvider, SmsToSend } from './types';

export interface TwilioSmsConfig {
  accountSid: string;
  /** Never logged nor put in an outcome: it goes only into the Basic authorization header. */
  authToken: string;
  /** `https://api.twilio.com` unless told (the mesh's messaging sandbox locally). */
  baseUrl?: string;
  timeoutMs: number;
}

/** Lookup reads at most this many pages (`next_page_uri`) of a recipient's messages. */
const MAX_LOOKUP_PAGES = 5;

/** A Messaging Service SID: sent as `MessagingServiceSid`, not `From`. */
const isMessagingService = (from: string) => from.startsWith('MG') && from.length === 34;

/** A failed lookup; `status` is Twilio's HTTP status when it answered, `code` its error code or the transport's. */
export class SmsLookupError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SmsLookupError';
  }
}

/** Twilio's Message resource (API 2010-04-01), the fields read. */
interface TwilioMessage {
  sid?: unknown;
  to?: unknown;
  body?: unknown;
  status?: unknown;
  date_created?: unknown;
  num_segments?: unknown;
  price?: unknown;
  price_unit?: unknown;
}

/** Twilio's error answer: `{code, message, more_info, status}`. */
interface TwilioError {
  code?: unknown;
  message?: unknown;
}

/**
 * Twilio Programmable Messaging on its REST API, by hand on `fetch`: `POST .../Messages.json`
 * to send, `GET .../Messages.json?To=` to find what was sent to a number. Nothing is
 * logged here; outcomes carry Twilio's codes and messages with phone numbers masked.
 */
export function twilioSms(config: TwilioSmsConfig, deps: { now?: () => number } = {}): SmsProvider {
  const baseUrl = (config.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const messagesPath = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
  const now = deps.now ?? Date.now;

  async function send(sms: SmsToSend): Promise<SendOutcome> {
    const form = new URLSearchParams({ To: sms.to, Body: sms.body, StatusCallback: sms.statusCallback });
    form.set(isMessagingService(sms.from) ? 'MessagingServiceSid' : 'From', sms.from);
    const init = { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
    const response = await exchange(`${baseUrl}${messagesPath}`, init, config.timeoutMs);
    if (!(response instanceof Response)) return response;
    const body = await readJson(response);
    if (response.status === 201 || response.status === 200) return accepted(body);
    return refused(response, body as TwilioError | undefined, now());
  }

  async function lookup(to: string, since: Date): Promise<SmsFound[]> {
    // By To only: a DateSent filter would leave out a message Twilio still holds queued (no
    // date_sent yet) — the very one a lost answer leaves behind. Filtered on date_created here.
    const query = new URLSearchParams({ To: to, PageSize: '100' });
    // date_created has whole seconds: a message created in the same second as `since` counts
    const from = Math.floor(since.getTime() / 1000) * 1000;
    const found: SmsFound[] = [];
    let next: string | null = `${messagesPath}?${query.toString()}`;
    for (let page = 0; next && page < MAX_LOOKUP_PAGES; page++) {
      const response = await exchange(`${baseUrl}${next}`, { method: 'GET', headers: { authorization } }, config.timeoutMs);
      if (!(response instanceof Response)) throw new SmsLookupError(`Twilio message lookup: ${response.reason}`, response.code);
      const body = (await readJson(response)) as { messages?: TwilioMessage[]; next_page_uri?: string | null; code?: unknown } | undefined;
      if (!response.ok || !Array.isArray(body?.messages)) {
        const code = twilioCode(body) ?? `http-${response.status}`;
        throw new SmsLookupError(`Twilio message lookup: HTTP ${response.status} (${code})`, code, response.status);
      }
      for (const m of body.messages) {
        const message = foundMessage(m);
        if (message && message.dateCreated.getTime() >= from) found.push(message);
      }
      next = typeof body.next_page_uri === 'string' && body.next_page_uri !== '' ? body.next_page_uri : null;
    }
    return found;
  }

  async function message(sid: string): Promise<SmsFound | undefined> {
    const path = `${messagesPath.replace(/\.json$/, '')}/${encodeURIComponent(sid)}.json`;
    const response = await exchange(`${baseUrl}${path}`, { method: 'GET', headers: { authorization } }, config.timeoutMs);
    if (!(response instanceof Response)) throw new SmsLookupError(`Twilio message fetch: ${response.reason}`, response.code);
    const body = (await readJson(response)) as TwilioMessage | undefined;
    if (response.status === 404) return undefined;
    if (!response.ok || !body) {
      const code = twilioCode(body) ?? `http-${response.status}`;
      throw new SmsLookupError(`Twilio message fetch: HTTP ${response.status} (${code})`, code, response.status);
    }
    return foundMessage(body);
  }

  return { account: `twilio:${config.accountSid}`, send, lookup, message };
}

/** 201: Twilio took the message. A body that cannot be read says nothing of its sid: the sender must reconcile. */
function accepted(body: unknown): SendOutcome {
  const m = body as TwilioMessage | undefined;
  if (typeof m?.sid !== 'string') return { outcome: 'unknown', code: 'unreadable-answer', reason: 'Twilio answered 201 without a readable message sid' };
  return {
    outcome: 'accepted',
    providerMessageId: m.sid,
    status: text(m.status) ?? 'queued',
    segments: segments(m.num_segments),
    price: price(m.price, m.price_unit),
  };
}

/**
 * A non-2xx answer. 401/403 are our credentials (fixed by rotating them), so retryable; 429 and
 * 503 are Twilio saying "not now"; 500/502/504 may hide a message that was taken; every other
 * 4xx (21211 invalid To, 21614 not a mobile, 21610 opted out...) will never succeed.
 */
function refused(response: Response, body: TwilioError | undefined, now: number): SendOutcome {
  const { status } = response;
  const code = twilioCode(body) ?? `http-${status}`;
  const reason = maskNumbers(text(body?.message) ?? `HTTP ${status}`);
  if (status === 401 || status === 403) return { outcome: 'retry', code: 'auth', reason };
  if (status === 429 || status === 503) {
    const after = retryAfterMs(response.headers, now);
    return { outcome: 'retry', code, reason, ...(after === undefined ? {} : { retryAfterMs: after }) };
  }
  if (status >= 400 && status < 500) return { outcome: 'permanent', code, reason };
  return { outcome: 'unknown', code, reason };
}

function foundMessage(m: TwilioMessage): SmsFound | undefined {
  const dateCreated = typeof m.date_created === 'string' ? new Date(m.date_created) : undefined;
  if (typeof m.sid !== 'string' || !dateCreated || Number.isNaN(dateCreated.getTime())) return undefined;
  return {
    providerMessageId: m.sid,
    to: text(m.to) ?? '',
    body: typeof m.body === 'string' ? m.body : '',
    status: text(m.status) ?? 'unknown',
    dateCreated,
    segments: segments(m.num_segments),
    price: price(m.price, m.price_unit),
  };
}

function twilioCode(body: unknown): string | undefined {
  const code = (body as TwilioError | undefined)?.code;
  return typeof code === 'number' || (typeof code === 'string' && code !== '') ? String(code) : undefined;
}

/** `num_segments` is a string ("2"); "0" is what a Messaging Service send answers before a sender is chosen: not known yet. */
function segments(value: unknown): number | null {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Twilio's price is a negative decimal string ("-0.07500") or null until the message is sent: micros, positive, exact. */
function price(amount: unknown, unit: unknown): Price | null {
  if (typeof amount !== 'string' || typeof unit !== 'string' || unit === '') return null;
  const match = /^[-+]?(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) return null;
  const [, whole = '0', fraction = ''] = match;
  const digits = fraction.padEnd(7, '0');
  const micros = Number(whole) * 1_000_000 + Number(digits.slice(0, 6)) + (Number(digits[6]) >= 5 ? 1 : 0);
  return { micros, currency: unit.toUpperCase() };
}

/** Twilio's messages quote the number ("The 'To' number +34612345678 is not a valid phone number."): keep numbers out of outcomes and logs. */
function maskNumbers(message: string): string {
  return message.replace(/\+?\d[\d ().-]{5,}\d/g, '<number>');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
