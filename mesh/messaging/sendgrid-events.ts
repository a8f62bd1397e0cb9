import { randomBytes } from 'node:crypto';
import type { SandboxContext } from './http';
import { sendgridSignature } from './signing';
import type { EmailRecord, EmailStatus } from './state';

/**
 * SendGrid's event webhook for the mail the sandbox took: `processed` after
 * `statusCallbackDelayMs`, then `delivered` — or `bounce` (type bounce, status 5.1.1) for a mailbox
 * told to bounce, after which the address is on the bounce list and later sends to it are
 * `dropped` ("Bounced Address"), as for a mailbox told to be dropped. Events due within a short
 * window go out together, a JSON array per POST (at most 1000), each event carrying the send's
 * `custom_args` at its top level, signed (ECDSA P-256, timestamp + body) and retried on non-2xx.
 */
const BATCH_WINDOW_MS = 20;
const MAX_BATCH = 1000;
const RETRIES = 5;

type Event = SandboxContext['emailEvents'][number];

export function startEvents(ctx: SandboxContext, records: EmailRecord[]): void {
  void deliver(ctx, records).catch((error: unknown) => ctx.log(`email events: ${error instanceof Error ? error.message : String(error)}`));
}

async function deliver(ctx: SandboxContext, records: EmailRecord[]): Promise<void> {
  const { outbox, state } = ctx;
  await outbox.sleep(ctx.controls.settings.statusCallbackDelayMs);
  if (outbox.isStopped) return;
  for (const r of records) queue(ctx, event(r, 'processed'));
  await outbox.sleep(ctx.controls.settings.statusCallbackDelayMs);
  if (outbox.isStopped) return;
  for (const r of records) {
    const address = r.to.toLowerCase();
    const fate = state.data.mailboxes[address];
    if (fate === 'dropped' || state.data.bounces.includes(address)) {
      r.status = 'dropped';
      queue(ctx, event(r, 'dropped', { reason: 'Bounced Address', status: '5.0.0' }));
    } else if (fate === 'bounce') {
      r.status = 'bounce';
      state.data.bounces.push(address);
      queue(
        ctx,
        event(r, 'bounce', {
          type: 'bounce',
          status: '5.1.1',
          reason: "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos.",
          bounce_classification: 'Invalid Address',
          ip: '127.0.0.1',
          tls: 1,
        }),
      );
    } else {
      r.status = 'delivered';
      queue(ctx, event(r, 'delivered', { response: '250 2.0.0 OK', ip: '127.0.0.1', tls: 1 }));
    }
  }
  state.changed();
}

function event(r: EmailRecord, name: EmailStatus, extra: Event = {}): Event {
  return {
    ...r.customArgs,
    email: r.to,
    timestamp: Math.floor(Date.now() / 1000),
    'smtp-id': `<${r.messageId}@ismtpd0001p1mdw1.sendgrid.net>`,
    event: name,
    ...(r.categories.length > 0 ? { category: r.categories } : {}),
    sg_event_id: randomBytes(16).toString('base64url'),
    sg_message_id: r.sgMessageId,
    ...extra,
  };
}

/** Held for the batch window, so events due together go in one POST. */
function queue(ctx: SandboxContext, e: Event): void {
  const batch = ctx.emailEvents;
  batch.push(e);
  if (batch.length > 1) return;
  void ctx.outbox.sleep(BATCH_WINDOW_MS).then(async () => {
    const events = batch.splice(0);
    for (let i = 0; i < events.length; i += MAX_BATCH) await post(ctx, events.slice(i, i + MAX_BATCH));
  });
}

async function post(ctx: SandboxContext, events: Event[]): Promise<void> {
  const url = ctx.controls.settings.sendgridEventsUrl;
  if (!url || ctx.outbox.isStopped) return;
  const body = JSON.stringify(events);
  const timestamp = String(Math.floor(Date.now() / 1000));
  await ctx.outbox.post({
    kind: 'events',
    url,
    contentType: 'application/json;charset=utf-8',
    body,
    headers: {
      'x-twilio-email-event-webhook-signature': sendgridSignature(ctx.signingKey, timestamp, body),
      'x-twilio-email-event-webhook-timestamp': timestamp,
      'user-agent': 'SendGrid Event API',
    },
    maxAttempts: RETRIES,
  });
}
