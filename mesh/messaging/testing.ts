import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import { startMessagingSandbox, type MessagingSandbox, type MessagingSandboxOptions } from './server';

/** One request a receiver got: its full URL (as the sender addressed it), headers and raw body. */
export interface Received {
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny local webhook endpoint standing for notify-webhooks: answers 204 (or `status`) and keeps what it got. */
export interface Receiver {
  base: string;
  received: Received[];
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver = { received: [], status: 204 } as unknown as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      receiver.received.push({ url: `${receiver.base}${path}`, path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export interface World {
  sandbox: MessagingSandbox;
  receiver: Receiver;
}

/** A sandbox (fast callbacks, webhooks pointed at the receiver) and a receiver, afresh for each test. */
export function useMessagingWorld(options: MessagingSandboxOptions = {}): World {
  const w = {} as World;
  beforeEach(async () => {
    w.receiver = await startReceiver();
    w.sandbox = await startMessagingSandbox({
      statusCallbackDelayMs: 20,
      smsInboundUrl: `${w.receiver.base}/twilio/inbound`,
      sendgridEventsUrl: `${w.receiver.base}/sendgrid/events`,
      ...options,
    });
  });
  afterEach(async () => {
    await w.sandbox.close();
    await w.receiver.close();
  });
  return w;
}

/** Sends an SMS through the Twilio API as the adapter does (form-encoded, Basic auth). */
export function sendSms(sandbox: MessagingSandbox, form: Record<string, string>, auth = `${sandbox.accountSid}:${sandbox.authToken}`): Promise<Response> {
  return fetch(`${sandbox.url}/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

/** A GET on the Twilio API (a path under the account, or a `uri` Twilio answered). */
export function twilioGet(sandbox: MessagingSandbox, pathOrUri: string): Promise<Response> {
  const url = pathOrUri.startsWith('/2010-04-01') ? `${sandbox.url}${pathOrUri}` : `${sandbox.url}/2010-04-01/Accounts/${sandbox.accountSid}${pathOrUri}`;
  return fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString('base64')}` } });
}

/** Sends a mail through SendGrid's v3 API as the adapter does. */
export function sendMail(sandbox: MessagingSandbox, mail: unknown, key = sandbox.sendgridApiKey): Promise<Response> {
  return fetch(`${sandbox.url}/v3/mail/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(mail),
  });
}

/** The fields of Twilio's and SendGrid's JSON answers the tests read. */
export interface TwilioMessage {
  sid: string;
  status: string;
  num_segments: string;
  date_created: string;
  date_sent: string | null;
}
export interface TwilioPage {
  messages: TwilioMessage[];
  next_page_uri: string;
  previous_page_uri: string;
}
export interface TwilioError {
  code: number;
  message: string;
}
export interface SendgridErrors {
  errors: { field: string | null; message: string }[];
}

export const json = <T>(response: Response): Promise<T> => response.json() as Promise<T>;

/** Waits until `check` holds (polling every 10 ms), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
