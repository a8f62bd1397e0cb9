import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twilioSms } from './twilio';
import type { SmsToSend } from './types';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'auth-token-never-shown';
const MESSAGES = `/2010-04-01/Accounts/${SID}/Messages.json`;
const SERVICE = 'MG0123456789abcdef0123456789abcdef';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
/** A message as Twilio stores it (the list answers these, newest first). */
interface Stored {
  sid: string;
  to: string;
  body: string;
  status: string;
  date_created: string;
  date_sent: string | null;
  num_segments: string;
  price: string | null;
  price_unit: string | null;
}

/**
 * A local Twilio: checks what Twilio checks (path, Basic auth, form encoding, To/Body/sender)
 * and answers its documented shapes; `next` overrides the answer of the next request.
 */
const fake = {
  seen: [] as Seen[],
  next: [] as (Answer | 'hang' | 'reset')[],
  stored: [] as Stored[],
  hanging: [] as ServerResponse[],
};
const error = (status: number, code: number, message: string): Answer => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

function twilioAnswer(seen: Seen): Answer {
  const one = seen.path.startsWith(`${MESSAGES.replace(/\.json$/, '')}/`) ? seen.path.slice(MESSAGES.length - 4, -'.json'.length) : undefined;
  if (seen.path !== MESSAGES && !one) return error(404, 20404, 'The requested resource was not found');
  if (seen.authorization !== `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`) return error(401, 20003, 'Authenticate');
  if (one !== undefined) {
    const stored = fake.stored.find((m) => m.sid === one);
    return stored ? { status: 200, body: stored } : error(404, 20404, `The requested resource /Messages/${one}.json was not found`);
  }
  if (seen.method === 'GET') return listPage(seen.query);
  if (seen.contentType !== 'application/x-www-form-urlencoded') return error(400, 20001, 'Unsupported content type');
  const { To, Body, From, MessagingServiceSid } = seen.form;
  if (!To) return error(400, 21604, "A 'To' phone number is required.");
  if (!Body) return error(400, 21602, 'Message body is required.');
  if (!From === !MessagingServiceSid) return error(400, 21603, "A 'From' phone number is required.");
  const sid = `SM${'f'.repeat(30)}${String(fake.seen.length).padStart(2, '0')}`;
  return {
    status: 201,
    body: message({ sid, to: To, body: Body, status: MessagingServiceSid ? 'accepted' : 'queued', num_segments: MessagingServiceSid ? '0' : '1' }),
  };
}

/** `GET Messages.json?To=&DateSent>=&PageSize=`: Twilio filters (a date filter leaves out what has no date_sent yet), then pages with `next_page_uri` (a path). */
function listPage(query: URLSearchParams): Answer {
  const to = query.get('To');
  const day = query.get('DateSent>');
  const size = Number(query.get('PageSize') ?? 50);
  const page = Number(query.get('Page') ?? 0);
  const matching = fake.stored.filter((m) => m.to === to && (!day || (m.date_sent !== null && new Date(m.date_sent) >= new Date(`${day}T00:00:00Z`))));
  const messages = matching.slice(page * size, (page + 1) * size);
  const more = (page + 1) * size < matching.length;
  const next = new URLSearchParams(query);
  next.set('Page', String(page + 1));
  next.set('PageToken', `PASM${page + 1}`);
  return { status: 200, body: { messages, page, page_size: size, next_page_uri: more ? `${MESSAGES}?${next.toString()}` : null } };
}

function message(m: Partial<Stored> & { sid: string; to: string }): Stored & Record<string, unknown> {
  return {
    body: 'Hola',
    status: 'queued',
    date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
    date_sent: null,
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    account_sid: SID,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    ...m,
  };
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = Buffer.concat(chunks).toString('utf8');
    const seen: Seen = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      form: Object.fromEntries(new URLSearchParams(raw)),
    };
    fake.seen.push(seen);
    const injected = fake.next.shift();
    if (injected === 'hang') return void fake.hanging.push(res);
    if (injected === 'reset') return void req.socket.destroy();
    const answer = injected ?? twilioAnswer(seen);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
});
let baseUrl = '';
let closedPort = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  for (const res of fake.hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  fake.seen = [];
  fake.next = [];
  fake.stored = [];
});

const twilio = (options: { authToken?: string; timeoutMs?: number; now?: number; baseUrl?: string } = {}) =>
  twilioSms(
    { accountSid: SID, authToken: options.authToken ?? TOKEN, baseUrl: options.baseUrl ?? baseUrl, timeoutMs: options.timeoutMs ?? 2000 },
    { now: () => options.now ?? Date.now() },
  );
const sms = (overrides: Partial<SmsToSend> = {}): SmsToSend => ({
  to: '+34612345678',
  from: '+34911222333',
  body: 'Su técnico llega mañana 9:00–11:00 & trae la pieza.',
  statusCallback: 'https://notify.example.com/twilio/status?requestId=req-1',
  ...overrides,
});

describe('twilioSms: sending', () => {
  it('when an SMS is sent from a number, then Twilio gets a form POST with Basic auth, To, Body, StatusCallback and From', async () => {
    const outcome = await twilio().send(sms());
    expect(outcome).toEqual({ outcome: 'accepted', providerMessageId: `SM${'f'.repeat(30)}01`, status: 'queued', segments: 1, price: null });
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]).toMatchObject({ method: 'POST', path: MESSAGES, contentType: 'application/x-www-form-urlencoded' });
    expect(fake.seen[0]?.form).toEqual({
      To: '+34612345678',
      From: '+34911222333',
      Body: 'Su técnico llega mañana 9:00–11:00 & trae la pieza.',
      StatusCallback: 'https://notify.example.com/twilio/status?requestId=req-1',
    });
  });

  it('when the sender is a Messaging Service SID, then it goes as MessagingServiceSid and the unknown segment count is null', async () => {
    const outcome = await twilio().send(sms({ from: SERVICE }));
    expect(fake.seen[0]?.form).toEqual({ To: '+34612345678', MessagingServiceSid: SERVICE, Body: sms().body, StatusCallback: sms().statusCallback });
    expect(outcome).toMatchObject({ outcome: 'accepted', status: 'accepted', segments: null });
  });

  it('when the sender starts with MG but is not a 34-character SID, then it goes as From (an alphanumeric sender id)', async () => {
    await twilio().send(sms({ from: 'MGTALLERES' }));
    expect(fake.seen[0]?.form.From).toBe('MGTALLERES');
    expect(fake.seen[0]?.form.MessagingServiceSid).toBeUndefined();
  });

  it('when Twilio answers 201 with segments and a price, then the outcome carries them, the price in positive micros', async () => {
    fake.next.push({ status: 201, body: message({ sid: 'SM1', to: '+34612345678', num_segments: '3', price: '-0.07500', price_unit: 'usd' }) });
    expect(await twilio().send(sms())).toEqual({
      outcome: 'accepted',
      providerMessageId: 'SM1',
      status: 'queued',
      segments: 3,
      price: { micros: 75000, currency: 'USD' },
    });
  });

  it('when the account is asked, then it is twilio: and the account SID, without the token', () => {
    expect(twilio().account).toBe(`twilio:${SID}`);
  });
});

describe('twilioSms: refusals', () => {
  it('when Twilio says 21211 (invalid To), then it is permanent with the code and the reason, the number masked', async () => {
    fake.next.push(error(400, 21211, "The 'To' number +34 612 345 678 is not a valid phone number."));
    expect(await twilio().send(sms())).toEqual({ outcome: 'permanent', code: '21211', reason: "The 'To' number <number> is not a valid phone number." });
  });

  it('when Twilio says 21610 (the recipient unsubscribed), then it is permanent with the code and the reason', async () => {
    fake.next.push(error(400, 21610, 'Attempt to send to unsubscribed recipient'));
    expect(await twilio().send(sms())).toEqual({ outcome: 'permanent', code: '21610', reason: 'Attempt to send to unsubscribed recipient' });
  });

  it('when Twilio says 21614 (not a mobile number), then it is permanent', async () => {
    fake.next.push(error(400, 21614, "'To' number is not a valid mobile number"));
    expect(await twilio().send(sms())).toEqual({ outcome: 'permanent', code: '21614', reason: "'To' number is not a valid mobile number" });
  });

  it('when the request lacks what Twilio requires, then its own 4xx is permanent too', async () => {
    expect(await twilio().send(sms({ body: '' }))).toEqual({ outcome: 'permanent', code: '21602', reason: 'Message body is required.' });
  });

  it('when the auth token is wrong, then it is retry with code auth (a rotation fixes it) and the token appears nowhere', async () => {
    const outcome = await twilio({ authToken: 'rotated-away' }).send(sms());
    expect(outcome).toEqual({ outcome: 'retry', code: 'auth', reason: 'Authenticate' });
    expect(JSON.stringify(outcome)).not.toContain('rotated-away');
  });

  it('when Twilio answers 429 (20429) with Retry-After in seconds, then it is retry after that many milliseconds', async () => {
    fake.next.push({ ...error(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '7' } });
    expect(await twilio().send(sms())).toEqual({ outcome: 'retry', code: '20429', reason: 'Too Many Requests', retryAfterMs: 7000 });
  });

  it('when Twilio answers 503 with Retry-After as an HTTP date, then it is retry until that date', async () => {
    fake.next.push({ status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, body: { message: 'Service Unavailable' } });
    const outcome = await twilio({ now: Date.parse('2015-10-21T07:27:30Z') }).send(sms());
    expect(outcome).toEqual({ outcome: 'retry', code: 'http-503', reason: 'Service Unavailable', retryAfterMs: 30_000 });
  });

  it('when Twilio answers 429 without Retry-After, then it is retry with no delay named', async () => {
    fake.next.push(error(429, 20429, 'Too Many Requests'));
    expect(await twilio().send(sms())).toEqual({ outcome: 'retry', code: '20429', reason: 'Too Many Requests' });
  });

  it('when Twilio answers 500, then it is unknown: the message may have been taken', async () => {
    fake.next.push(error(500, 20500, 'Internal Server Error'));
    expect(await twilio().send(sms())).toEqual({ outcome: 'unknown', code: '20500', reason: 'Internal Server Error' });
  });

  it('when Twilio answers 502 with no JSON, then it is unknown with the HTTP status as code', async () => {
    fake.next.push({ status: 502 });
    expect(await twilio().send(sms())).toEqual({ outcome: 'unknown', code: 'http-502', reason: 'HTTP 502' });
  });
});

describe('twilioSms: no answer', () => {
  it('when Twilio does not answer within the timeout, then it is unknown', async () => {
    fake.next.push('hang');
    const started = Date.now();
    expect(await twilio({ timeoutMs: 200 }).send(sms())).toEqual({ outcome: 'unknown', code: 'timeout', reason: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('when the connection drops after the request was written, then it is unknown', async () => {
    fake.next.push('reset');
    expect(await twilio().send(sms())).toMatchObject({ outcome: 'unknown', code: 'network' });
  });

  it('when the connection is refused, then it is retry: Twilio never saw the request', async () => {
    expect(await twilio({ baseUrl: `http://127.0.0.1:${closedPort}` }).send(sms())).toEqual({
      outcome: 'retry',
      code: 'connect',
      reason: 'no connection (ECONNREFUSED)',
    });
  });
});

describe('twilioSms: one message', () => {
  it('when a sent message is fetched by its sid, then its price comes in micros; an unknown sid is undefined', async () => {
    fake.stored = [message({ sid: 'SM-priced', to: '+34612345678', status: 'delivered', price: '-0.07500', num_segments: '1' })];
    expect(await twilio().message('SM-priced')).toMatchObject({
      providerMessageId: 'SM-priced',
      status: 'delivered',
      price: { micros: 75000, currency: 'USD' },
    });
    expect(fake.seen.at(-1)).toMatchObject({ method: 'GET', path: `${MESSAGES.replace(/\.json$/, '')}/SM-priced.json` });
    expect(await twilio().message('SM-unknown')).toBeUndefined();
  });
});

describe('twilioSms: lookup', () => {
  const to = '+34612345678';
  const at = (iso: string) => new Date(iso).toUTCString().replace('GMT', '+0000');

  it('when messages are looked up, then Twilio is asked by To only (a message still queued has no date_sent), and those created before since are left out', async () => {
    fake.stored = [
      message({
        sid: 'SM-after',
        to,
        status: 'delivered',
        date_created: at('2023-08-24T06:00:00Z'),
        date_sent: at('2023-08-24T06:00:01Z'),
        num_segments: '2',
        price: '-0.15000',
      }),
      message({ sid: 'SM-still-queued', to, date_created: at('2023-08-24T06:30:00Z'), date_sent: null }),
      message({ sid: 'SM-same-second', to, date_created: at('2023-08-24T05:01:45Z'), date_sent: at('2023-08-24T05:01:46Z') }),
      message({ sid: 'SM-earlier-that-day', to, date_created: at('2023-08-24T04:00:00Z'), date_sent: at('2023-08-24T04:00:01Z') }),
      message({ sid: 'SM-day-before', to, date_created: at('2023-08-23T23:59:00Z'), date_sent: at('2023-08-23T23:59:01Z') }),
      message({ sid: 'SM-other-number', to: '+34699999999', date_created: at('2023-08-24T06:00:00Z'), date_sent: at('2023-08-24T06:00:01Z') }),
    ];
    const found = await twilio().lookup(to, new Date('2023-08-24T05:01:45.500Z'));
    expect(found.map((m) => m.providerMessageId)).toEqual(['SM-after', 'SM-still-queued', 'SM-same-second']);
    expect(found[0]).toEqual({
      providerMessageId: 'SM-after',
      to,
      body: 'Hola',
      status: 'delivered',
      dateCreated: new Date('2023-08-24T06:00:00Z'),
      segments: 2,
      price: { micros: 150000, currency: 'USD' },
    });
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]?.method).toBe('GET');
    expect(fake.seen[0]?.query.get('To')).toBe(to);
    expect(fake.seen[0]?.query.has('DateSent>')).toBe(false);
  });

  it('when the answer has several pages, then next_page_uri is followed, and no more than 5 pages are read', async () => {
    fake.stored = Array.from({ length: 700 }, (_, i) =>
      message({ sid: `SM${String(i).padStart(3, '0')}`, to, date_created: at('2023-08-24T10:00:00Z'), date_sent: at('2023-08-24T10:00:01Z') }),
    );
    const found = await twilio().lookup(to, new Date('2023-08-24T00:00:00Z'));
    expect(fake.seen).toHaveLength(5);
    expect(fake.seen.map((s) => s.query.get('PageToken'))).toEqual([null, 'PASM1', 'PASM2', 'PASM3', 'PASM4']);
    expect(found).toHaveLength(500);
    expect(found[499]?.providerMessageId).toBe('SM499');
  });

  it('when the last page has no next_page_uri, then lookup stops there', async () => {
    fake.stored = Array.from({ length: 150 }, (_, i) =>
      message({ sid: `SM${i}`, to, date_created: at('2023-08-24T10:00:00Z'), date_sent: at('2023-08-24T10:00:01Z') }),
    );
    expect(await twilio().lookup(to, new Date('2023-08-24T00:00:00Z'))).toHaveLength(150);
    expect(fake.seen).toHaveLength(2);
  });

  it('when Twilio refuses the lookup, then it throws with the status and Twilio code', async () => {
    await expect(twilio({ authToken: 'wrong' }).lookup(to, new Date('2023-08-24T00:00:00Z'))).rejects.toMatchObject({
      name: 'SmsLookupError',
      status: 401,
      code: '20003',
    });
  });
});
