import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlRoute } from './control-api';
import { Controls, type Settings } from './controls';
import { readRequest, send, type Answer, type Request, type SandboxContext } from './http';
import { Outbox } from './outbox';
import { MAIL_SEND, sendgridRoute } from './sendgrid-api';
import { privateKeyOf, publicKeyBase64 } from './signing';
import { MessagingState } from './state';
import { twilioRoute } from './twilio-api';
import { startLifecycle } from './twilio-phones';
import { TWILIO_PREFIX, twilioError } from './twilio-resource';

export interface MessagingSandboxOptions {
  /** 0 (default): any free port. */
  port?: number;
  /** The Twilio account; made once (and kept in the state file) unless given. */
  accountSid?: string;
  authToken?: string;
  sendgridApiKey?: string;
  /** From acceptance to `sent` (and the SendGrid `processed` event), and again to `delivered`, ms (default 100). */
  statusCallbackDelayMs?: number;
  /** Where a phone's replies are POSTed (notify-webhooks `/twilio/inbound`); none: recorded only. */
  smsInboundUrl?: string;
  /** Where SendGrid's event batches are POSTed (notify-webhooks `/sendgrid/events`); none: not sent. */
  sendgridEventsUrl?: string;
  /** The Twilio account's messages per second (0, the default: no limit). */
  rateLimitPerSecond?: number;
  /** The sender Twilio assigns to Messaging Service sends (default +15005550006). */
  serviceNumber?: string;
  /** Price of one segment once sent (default 0.075) and its currency (default EUR). */
  pricing?: { perSegment?: number; unit?: string };
  /** The JSON file the state is kept in; none: memory only. */
  stateFile?: string;
  /** Operational lines (never a phone number, address or message body). */
  log?: (line: string) => void;
}

export interface MessagingSandbox {
  /** The base URL of both APIs (TWILIO_API_BASE_URL and SENDGRID_API_BASE_URL) and of `/_sandbox`. */
  url: string;
  accountSid: string;
  authToken: string;
  sendgridApiKey: string;
  /** The event webhook's public key, base64 DER SPKI (SENDGRID_WEBHOOK_PUBLIC_KEY). */
  sendgridPublicKey: string;
  /** The environment the notify functions need to use this sandbox. */
  env: Record<
    'TWILIO_API_BASE_URL' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'SENDGRID_API_BASE_URL' | 'SENDGRID_API_KEY' | 'SENDGRID_WEBHOOK_PUBLIC_KEY',
    string
  >;
  state: MessagingState;
  controls: Controls;
  close(): Promise<void>;
}

/**
 * A Twilio Programmable Messaging and SendGrid v3 stand-in for the local mesh: the REST subsets the
 * notify adapters use (`/2010-04-01/Accounts/{sid}/Messages...`, see twilio-api.ts; `/v3/mail/send`,
 * see sendgrid-api.ts), their webhooks signed as the vendors sign them (status callbacks, inbound
 * SMS, event batches), and a control API for pacing, failures, replies and what each phone and
 * mailbox received (`/_sandbox/...`, see control-api.ts).
 */
export async function startMessagingSandbox(options: MessagingSandboxOptions = {}): Promise<MessagingSandbox> {
  const log = options.log ?? (() => undefined);
  const state = MessagingState.load(options.stateFile, {
    accountSid: options.accountSid,
    authToken: options.authToken,
    sendgridApiKey: options.sendgridApiKey,
  });
  const settings: Settings = {
    rateLimitPerSecond: options.rateLimitPerSecond ?? 0,
    statusCallbackDelayMs: options.statusCallbackDelayMs ?? 100,
    smsInboundUrl: options.smsInboundUrl ?? null,
    sendgridEventsUrl: options.sendgridEventsUrl ?? null,
  };
  const ctx: SandboxContext = {
    state,
    controls: new Controls(state, settings),
    outbox: new Outbox({ concurrency: 32, timeoutMs: 10_000, retryBaseDelayMs: 200 }, log),
    signingKey: privateKeyOf(state.data.credentials.signingKey.privateKeyPem),
    serviceNumber: options.serviceNumber ?? '+15005550006',
    pricing: { perSegment: options.pricing?.perSegment ?? 0.075, unit: options.pricing?.unit ?? 'EUR' },
    emailEvents: [],
    log,
  };
  // messages taken before a restart go on to their end
  for (const m of state.data.messages) if (m.channel === 'sms' && ['accepted', 'queued', 'sent'].includes(m.status)) startLifecycle(ctx, m);

  const server: Server = createServer((req, res) => {
    void readRequest(req)
      .then((r) => route(ctx, r))
      .then(
        (answer) => send(res, answer),
        (error: unknown) => {
          if (error instanceof RangeError) return send(res, { status: 400, body: { error: 'invalid_request', message: error.message } });
          log(`messaging sandbox error: ${error instanceof Error ? error.message : String(error)}`);
          send(res, { status: 500, body: { error: 'internal', message: 'sandbox error' } });
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { accountSid, authToken, sendgridApiKey, signingKey } = state.data.credentials;
  const sendgridPublicKey = publicKeyBase64(signingKey.publicKeyPem);
  return {
    url,
    accountSid,
    authToken,
    sendgridApiKey,
    sendgridPublicKey,
    env: {
      TWILIO_API_BASE_URL: url,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      SENDGRID_API_BASE_URL: url,
      SENDGRID_API_KEY: sendgridApiKey,
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridPublicKey,
    },
    state,
    controls: ctx.controls,
    close: async () => {
      ctx.outbox.stop();
      state.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(ctx: SandboxContext, r: Request): Promise<Answer> {
  const { pathname } = r.url;
  if (pathname === '/_sandbox' || pathname.startsWith('/_sandbox/')) return controlRoute(ctx, r);
  if (pathname.startsWith(`${TWILIO_PREFIX}/`)) return twilioRoute(ctx, r);
  if (pathname === MAIL_SEND) return sendgridRoute(ctx, r);
  return twilioError(404, 20404, `The requested resource ${pathname} was not found`);
}
