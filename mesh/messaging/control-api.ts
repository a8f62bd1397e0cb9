import { z } from 'zod';
import { parse } from './controls';
import { parseJson, type Answer, type Request, type SandboxContext } from './http';
import { publicKeyBase64 } from './signing';
import { reply } from './twilio-phones';

/**
 * The control API, JSON, for the mesh, scripts, tests and benchmarks:
 *
 *   GET  /_sandbox                   account, public key, settings, counts
 *   GET  /_sandbox/messages          SMS and email taken, oldest first (`?to=` a phone or address, `?channel=sms|email`)
 *   GET  /_sandbox/counts            {total, sms, email, perRecipient, acceptedAt}; DELETE resets them
 *   GET  /_sandbox/public-key        {publicKey}: the event webhook's key, base64 DER SPKI
 *   GET, POST /_sandbox/settings     {rateLimitPerSecond, statusCallbackDelayMs, smsInboundUrl, sendgridEventsUrl}
 *   POST /_sandbox/fail              {channel: sms|email, count, status: 429|503, retryAfterSeconds}
 *   GET, POST /_sandbox/phones       {phone, fate: delivered|undelivered|opted-out|invalid, errorCode?: 30003|30005}
 *   GET, POST /_sandbox/mailboxes    {email, fate: delivered|bounce|dropped}
 *   POST /_sandbox/replies           {from, body, to?}: the phone replies; answers {messageSid, optedOut, delivery}
 *   GET  /_sandbox/deliveries        the last 1000 webhook requests and what became of them
 */
const replySchema = z.object({ from: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 expected'), body: z.string(), to: z.string().optional() }).strict();

export async function controlRoute(ctx: SandboxContext, r: Request): Promise<Answer> {
  const path = r.url.pathname.slice('/_sandbox'.length);
  const { controls, state } = ctx;
  const ok = (body: unknown): Answer => ({ status: 200, body });
  const route = `${r.method} ${path}`;
  switch (route) {
    case 'GET ': {
      const { acceptedAt: _, ...counts } = controls.currentCounts;
      return ok({ accountSid: state.data.credentials.accountSid, publicKey: publicKey(ctx), settings: controls.settings, counts });
    }
    case 'GET /messages': {
      const to = r.url.searchParams.get('to')?.toLowerCase();
      const channel = r.url.searchParams.get('channel');
      return ok({ messages: state.data.messages.filter((m) => (!to || m.to.toLowerCase() === to) && (!channel || m.channel === channel)) });
    }
    case 'GET /counts':
      return ok(controls.currentCounts);
    case 'DELETE /counts':
      controls.resetCounts();
      return ok(controls.currentCounts);
    case 'GET /public-key':
      return ok({ publicKey: publicKey(ctx) });
    case 'GET /settings':
      return ok(controls.settings);
    case 'POST /settings':
      return ok(controls.change(parseJson(r.body)));
    case 'POST /fail':
      return ok(controls.fail(parseJson(r.body)));
    case 'POST /phones':
      controls.setPhone(parseJson(r.body));
      return ok(phones(ctx));
    case 'GET /phones':
      return ok(phones(ctx));
    case 'POST /mailboxes':
      controls.setMailbox(parseJson(r.body));
      return ok(mailboxes(ctx));
    case 'GET /mailboxes':
      return ok(mailboxes(ctx));
    case 'POST /replies':
      return ok(await reply(ctx, parse(replySchema, parseJson(r.body))));
    case 'GET /deliveries':
      return ok({ deliveries: ctx.outbox.deliveries });
    default:
      return { status: 404, body: { error: 'not_found', message: `no control ${route}; see mesh/messaging/control-api.ts` } };
  }
}

const publicKey = (ctx: SandboxContext) => publicKeyBase64(ctx.state.data.credentials.signingKey.publicKeyPem);
const phones = ({ state }: SandboxContext) => ({ phones: state.data.phones, optedOut: state.data.optedOut });
const mailboxes = ({ state }: SandboxContext) => ({ mailboxes: state.data.mailboxes, bounces: state.data.bounces });
