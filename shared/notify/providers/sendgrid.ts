import { createHash } from 'node:crypto';
import { exchange, readJson, retryAfterMs } from './exchange';
import type { EmailProvider, EmailToSend, SendOutcome } from './types';

export interface SendGridEmailConfig {
  /** Never logged nor put in an outcome: it goes only into the Bearer authorization header. */
  apiKey: string;
  /** `https://api.sendgrid.com` unless told (the mesh's messaging sandbox locally). */
  baseUrl?: string;
  timeoutMs: number;
}

/** SendGrid's limits on categories: at most 10 per message, each at most 255 characters. */
const MAX_CATEGORIES = 10;
const MAX_CATEGORY_LENGTH = 255;

/**
 * SendGrid v3 mail send (`POST /v3/mail/send`), by hand on `fetch`. SendGrid answers 202 with
 * an empty body and the message id in `X-Message-Id`; its refusals are `{errors: [{message,
 * field, help}]}`. Nothing is logged here.
 */
export function sendgridEmail(config: SendGridEmailConfig, deps: { now?: () => number } = {}): EmailProvider {
  const url = `${(config.baseUrl ?? 'https://api.sendgrid.com').replace(/\/+$/, '')}/v3/mail/send`;
  const now = deps.now ?? Date.now;

  async function send(email: EmailToSend): Promise<SendOutcome> {
    const init = {
      method: 'POST',
      headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(mailSendBody(email)),
    };
    const response = await exchange(url, init, config.timeoutMs);
    if (!(response instanceof Response)) return response;
    if (response.status === 202 || response.status === 200) return accepted(response);
    return refused(response, await readJson(response), now());
  }

  return { account: `sendgrid:${fingerprint(config.apiKey)}`, send };
}

/** The v3 mail send body for one recipient. Content is text/plain then text/html: SendGrid refuses the other order. */
export function mailSendBody(email: EmailToSend) {
  const categories = [...new Set(email.categories.map((c) => c.slice(0, MAX_CATEGORY_LENGTH)).filter(Boolean))].slice(0, MAX_CATEGORIES);
  return {
    personalizations: [{ to: [{ email: email.to }], ...(Object.keys(email.customArgs).length > 0 ? { custom_args: email.customArgs } : {}) }],
    from: { email: email.from.email, name: email.from.name },
    subject: email.subject,
    content: [
      { type: 'text/plain', value: email.text },
      { type: 'text/html', value: email.html },
    ],
    ...(Object.keys(email.headers).length > 0 ? { headers: email.headers } : {}),
    ...(categories.length > 0 ? { categories } : {}),
  };
}

/** 202: SendGrid queued the message. Without `X-Message-Id` the sender cannot tie events to it: it must reconcile. */
function accepted(response: Response): SendOutcome {
  const id = response.headers.get('x-message-id');
  if (!id) return { outcome: 'unknown', code: 'unreadable-answer', reason: `SendGrid answered ${response.status} without X-Message-Id` };
  return { outcome: 'accepted', providerMessageId: id, status: 'accepted', segments: null, price: null };
}

/**
 * A non-2xx answer. 401/403 are our key (fixed by rotating it), so retryable; 429 waits for
 * `X-RateLimit-Reset`; 5xx may hide a message that was taken; every other 4xx (400 invalid body,
 * 413 too large) will never succeed.
 */
function refused(response: Response, body: unknown, now: number): SendOutcome {
  const { status } = response;
  const code = `sendgrid-${status}`;
  const reason = errorMessages(body) ?? `HTTP ${status}`;
  if (status === 401 || status === 403) return { outcome: 'retry', code: 'auth', reason };
  if (status === 429) {
    const after = rateLimitResetMs(response.headers, now) ?? retryAfterMs(response.headers, now);
    return { outcome: 'retry', code, reason, ...(after === undefined ? {} : { retryAfterMs: after }) };
  }
  if (status >= 400 && status < 500) return { outcome: 'permanent', code, reason };
  return { outcome: 'unknown', code, reason };
}

/** `X-RateLimit-Reset` is the epoch second at which the limit resets. */
function rateLimitResetMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('x-ratelimit-reset')?.trim();
  return value && /^\d+$/.test(value) ? Math.max(0, Number(value) * 1000 - now) : undefined;
}

function errorMessages(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const messages = errors.map((e) => (e as { message?: unknown } | null)?.message).filter((m): m is string => typeof m === 'string' && m !== '');
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** A short, non-reversible name for the key: the first 8 hex characters of its SHA-256. */
function fingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 8);
}
