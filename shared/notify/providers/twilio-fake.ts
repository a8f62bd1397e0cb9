import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { twilioSms } from './twilio';
import type { SmsToSend } from './types';
import { useFakeServer, type FakeAddress } from './fake-server';

/**
 * A local Twilio for the adapter's tests (twilio.test.ts, twilio-lookup.test.ts): checks what
 * Twilio checks and answers its documented shapes (see `fake`).
 */
export const SID = 'AC0123456789abcdef0123456789abcdef';
export const TOKEN = 'auth-token-never-shown';
export const MESSAGES = `/2010-04-01/Accounts/${SID}/Messages.json`;
export const SERVICE = 'MG0123456789abcdef0123456789abcdef';

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
export const fake = {
  seen: [] as Seen[],
  next: [] as (Answer | 'hang' | 'reset')[],
  stored: [] as Stored[],
  hanging: [] as ServerResponse[],
};
export const error = (status: number, code: number, message: string): Answer => ({
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

export function message(m: Partial<Stored> & { sid: string; to: string }): Stored & Record<string, unknown> {
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
let served: FakeAddress = { baseUrl: '', closedPort: 0 };
/** A port nothing listens on (a refused connection), once useTwilioFake's hooks have run. */
export const closedPort = () => served.closedPort;

/** Starts the fake for the test file, and empties it before each test. */
export function useTwilioFake(): void {
  served = useFakeServer(
    server,
    () => fake.hanging,
    () => {
      fake.seen = [];
      fake.next = [];
      fake.stored = [];
    },
  );
}

export const twilio = (options: { authToken?: string; timeoutMs?: number; now?: number; baseUrl?: string } = {}) =>
  twilioSms(
    { accountSid: SID, authToken: options.authToken ?? TOKEN, baseUrl: options.baseUrl ?? served.baseUrl, timeoutMs: options.timeoutMs ?? 2000 },
    { now: () => options.now ?? Date.now() },
  );
export const sms = (overrides: Partial<SmsToSend> = {}): SmsToSend => ({
  to: '+34612345678',
  from: '+34911222333',
  body: 'Su técnico llega mañana 9:00–11:00 & trae la pieza.',
  statusCallback: 'https://notify.example.com/twilio/status?requestId=req-1',
  ...overrides,
});
