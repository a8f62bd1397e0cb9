import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sendgridEmail } from './sendgrid';
import type { EmailToSend } from './types';
import { useFakeServer } from './fake-server';

const API_KEY = 'SG.key-id.never-shown-secret';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: MailBody | undefined;
}
/** The v3 mail send body, the fields the fake validates. */
interface MailBody {
  personalizations?: { to?: { email?: unknown }[] }[];
  from?: { email?: unknown };
  content?: { type: string }[];
  categories?: string[];
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A local SendGrid v3 mail send: checks what SendGrid checks (path, Bearer key, JSON, a
 * recipient, a sender, content with text/plain first, the category limits) and answers 202 with
 * `X-Message-Id` or `{errors: [{message, field, help}]}`; `next` overrides the next answer.
 */
const fake = { seen: [] as Seen[], next: [] as (Answer | 'hang' | 'reset')[], hanging: [] as ServerResponse[] };
const errors = (status: number, ...list: { message: string; field: string | null }[]): Answer => ({
  status,
  body: { errors: list.map((e) => ({ ...e, help: null })) },
});

function sendgridAnswer(seen: Seen): Answer {
  if (seen.method !== 'POST' || seen.path !== '/v3/mail/send') return errors(404, { message: 'Not Found', field: null });
  if (seen.authorization !== `Bearer ${API_KEY}`)
    return errors(401, { message: 'The provided authorization grant is invalid, expired, or revoked', field: null });
  if (!seen.contentType?.startsWith('application/json')) return errors(415, { message: 'Content-Type should be application/json.', field: null });
  const body = seen.body;
  if (typeof body?.personalizations?.[0]?.to?.[0]?.email !== 'string')
    return errors(400, {
      message: 'The to array is required for all personalization objects, and must have at least one email object.',
      field: 'personalizations.0.to',
    });
  if (typeof body.from?.email !== 'string') return errors(400, { message: 'The from object must be provided for every email send.', field: 'from' });
  const types = (body.content ?? []).map((c) => c.type);
  if (types.includes('text/html') && types.indexOf('text/plain') !== 0)
    return errors(400, { message: 'If present, text/plain must be first, followed by text/html, followed by any other content.', field: 'content' });
  if ((body.categories ?? []).length > 10 || (body.categories ?? []).some((c) => c.length > 255))
    return errors(400, { message: 'Too many categories on this request. You may only include up to 10 categories.', field: 'categories' });
  return { status: 202, headers: { 'x-message-id': `msg-${fake.seen.length}` } };
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const seen: Seen = {
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://localhost').pathname,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: raw ? (JSON.parse(raw) as MailBody) : undefined,
    };
    fake.seen.push(seen);
    const injected = fake.next.shift();
    if (injected === 'hang') return void fake.hanging.push(res);
    if (injected === 'reset') return void req.socket.destroy();
    const answer = injected ?? sendgridAnswer(seen);
    const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...(json ? { 'content-type': 'application/json' } : {}), ...answer.headers });
    res.end(json);
  });
});
const served = useFakeServer(
  server,
  () => fake.hanging,
  () => {
    fake.seen = [];
    fake.next = [];
  },
);

const sendgrid = (options: { apiKey?: string; timeoutMs?: number; now?: number; baseUrl?: string } = {}) =>
  sendgridEmail(
    { apiKey: options.apiKey ?? API_KEY, baseUrl: options.baseUrl ?? served.baseUrl, timeoutMs: options.timeoutMs ?? 2000 },
    { now: () => options.now ?? Date.now() },
  );
const email = (overrides: Partial<EmailToSend> = {}): EmailToSend => ({
  to: 'cliente@example.com',
  from: { email: 'avisos@ahs.example.com', name: 'AHS Reparaciones' },
  subject: 'Su cita del martes',
  text: 'Su técnico llega el martes.',
  html: '<p>Su técnico llega el <b>martes</b>.</p>',
  customArgs: { requestId: 'req-1' },
  headers: { 'List-Unsubscribe': '<https://ahs.example.com/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  categories: ['appointment-reminder'],
  ...overrides,
});

describe('sendgridEmail: sending', () => {
  it('when an email is sent, then SendGrid gets the v3 body with Bearer auth, text/plain before text/html, and 202 is accepted with X-Message-Id', async () => {
    const outcome = await sendgrid().send(email());
    expect(outcome).toEqual({ outcome: 'accepted', providerMessageId: 'msg-1', status: 'accepted', segments: null, price: null });
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]).toMatchObject({ method: 'POST', path: '/v3/mail/send', authorization: `Bearer ${API_KEY}`, contentType: 'application/json' });
    expect(fake.seen[0]?.body).toEqual({
      personalizations: [{ to: [{ email: 'cliente@example.com' }], custom_args: { requestId: 'req-1' } }],
      from: { email: 'avisos@ahs.example.com', name: 'AHS Reparaciones' },
      subject: 'Su cita del martes',
      content: [
        { type: 'text/plain', value: 'Su técnico llega el martes.' },
        { type: 'text/html', value: '<p>Su técnico llega el <b>martes</b>.</p>' },
      ],
      headers: { 'List-Unsubscribe': '<https://ahs.example.com/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      categories: ['appointment-reminder'],
    });
  });

  it('when there are more than 10 categories or one is too long, then 10 are sent, each cut to 255 characters', async () => {
    const long = 'x'.repeat(300);
    const outcome = await sendgrid().send(email({ categories: [long, ...Array.from({ length: 11 }, (_, i) => `c${i}`)] }));
    expect(outcome.outcome).toBe('accepted');
    expect(fake.seen[0]?.body?.categories).toEqual(['x'.repeat(255), 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']);
  });

  it('when SendGrid answers 202 without X-Message-Id, then it is unknown: events could not be tied to the message', async () => {
    fake.next.push({ status: 202 });
    expect(await sendgrid().send(email())).toEqual({ outcome: 'unknown', code: 'unreadable-answer', reason: 'SendGrid answered 202 without X-Message-Id' });
  });

  it('when the account is asked, then it is sendgrid: and the first 8 hex characters of the key hash, never the key', () => {
    const account = sendgrid().account;
    expect(account).toBe(`sendgrid:${createHash('sha256').update(API_KEY).digest('hex').slice(0, 8)}`);
    expect(account).toMatch(/^sendgrid:[0-9a-f]{8}$/);
    expect(sendgrid({ apiKey: 'SG.other' }).account).not.toBe(account);
  });
});

describe('sendgridEmail: refusals', () => {
  it('when SendGrid answers 400, then it is permanent with the errors messages joined', async () => {
    fake.next.push(
      errors(
        400,
        { message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email' },
        { message: 'The subject is required.', field: 'subject' },
      ),
    );
    expect(await sendgrid().send(email())).toEqual({
      outcome: 'permanent',
      code: 'sendgrid-400',
      reason: 'Does not contain a valid address.; The subject is required.',
    });
  });

  it('when SendGrid answers 413 (too large), then it is permanent', async () => {
    fake.next.push(errors(413, { message: 'The JSON payload is too large.', field: null }));
    expect(await sendgrid().send(email())).toEqual({ outcome: 'permanent', code: 'sendgrid-413', reason: 'The JSON payload is too large.' });
  });

  it('when the api key is wrong (401), then it is retry with code auth and the key appears nowhere', async () => {
    const outcome = await sendgrid({ apiKey: 'SG.revoked.secret' }).send(email());
    expect(outcome).toEqual({ outcome: 'retry', code: 'auth', reason: 'The provided authorization grant is invalid, expired, or revoked' });
    expect(JSON.stringify(outcome)).not.toContain('SG.revoked');
  });

  it('when SendGrid answers 403, then it is retry with code auth', async () => {
    fake.next.push(errors(403, { message: 'access forbidden', field: null }));
    expect(await sendgrid().send(email())).toEqual({ outcome: 'retry', code: 'auth', reason: 'access forbidden' });
  });

  it('when SendGrid answers 429 with X-RateLimit-Reset, then it is retry until that epoch second', async () => {
    fake.next.push({
      ...errors(429, { message: 'too many requests', field: null }),
      headers: { 'x-ratelimit-reset': '1392815263', 'x-ratelimit-remaining': '0' },
    });
    const outcome = await sendgrid({ now: 1392815263_000 - 12_500 }).send(email());
    expect(outcome).toEqual({ outcome: 'retry', code: 'sendgrid-429', reason: 'too many requests', retryAfterMs: 12_500 });
  });

  it('when SendGrid answers 429 with only Retry-After, then it is retry after those seconds', async () => {
    fake.next.push({ ...errors(429, { message: 'too many requests', field: null }), headers: { 'retry-after': '3' } });
    expect(await sendgrid().send(email())).toEqual({ outcome: 'retry', code: 'sendgrid-429', reason: 'too many requests', retryAfterMs: 3000 });
  });

  it('when SendGrid answers 500, then it is unknown', async () => {
    fake.next.push(errors(500, { message: 'internal error', field: null }));
    expect(await sendgrid().send(email())).toEqual({ outcome: 'unknown', code: 'sendgrid-500', reason: 'internal error' });
  });

  it('when SendGrid answers 503 with no body, then it is unknown too', async () => {
    fake.next.push({ status: 503 });
    expect(await sendgrid().send(email())).toEqual({ outcome: 'unknown', code: 'sendgrid-503', reason: 'HTTP 503' });
  });
});

describe('sendgridEmail: no answer', () => {
  it('when SendGrid does not answer within the timeout, then it is unknown', async () => {
    fake.next.push('hang');
    expect(await sendgrid({ timeoutMs: 200 }).send(email())).toEqual({ outcome: 'unknown', code: 'timeout', reason: 'no answer within 200 ms' });
  });

  it('when the connection drops after the request was written, then it is unknown', async () => {
    fake.next.push('reset');
    expect(await sendgrid().send(email())).toMatchObject({ outcome: 'unknown', code: 'network' });
  });

  it('when the connection is refused, then it is retry: SendGrid never saw the request', async () => {
    expect(await sendgrid({ baseUrl: `http://127.0.0.1:${served.closedPort}` }).send(email())).toEqual({
      outcome: 'retry',
      code: 'connect',
      reason: 'no connection (ECONNREFUSED)',
    });
  });
});
