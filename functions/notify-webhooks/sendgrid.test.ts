import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { email, history, messageRow, optOut, seedCustomer, seedMessage, startNotifyWebhooks } from './testing';

const { db, logger, sendGrid } = await startNotifyWebhooks();

/** An event as SendGrid posts it: the send's custom_args (requestId) flattened into it. */
function event(kind: string, over: Record<string, unknown> = {}) {
  return {
    email: 'someone@example.es',
    timestamp: Math.floor(Date.now() / 1000),
    'smtp-id': `<${randomUUID()}@ahs.example.com>`,
    event: kind,
    category: ['appointment-reminder'],
    sg_event_id: `sg-${randomUUID()}`,
    sg_message_id: `${randomUUID().slice(0, 22)}.filterdrecv-5bd4b8b4f-abcde-1-5F4A-2.0`,
    ...over,
  };
}

async function emailMessage(status = 'sent', options: { idKnown?: boolean } = {}) {
  const address = email();
  const customerId = await seedCustomer(db, address);
  const providerMessageId = randomUUID().slice(0, 22);
  const requestId = await seedMessage(db, { channel: 'email', status, customerId, providerMessageId: options.idKnown === false ? null : providerMessageId });
  return { address, requestId, providerMessageId, sgMessageId: `${providerMessageId}.filterdrecv-5bd4b8b4f-abcde-1-5F4A-2.0` };
}

/** What SendGrid's events about a message carry: its custom arg and its sg_message_id. */
const of = (m: { requestId: string; sgMessageId: string }) => ({ requestId: m.requestId, sg_message_id: m.sgMessageId });

describe('notify-webhooks: SendGrid event webhook', () => {
  it('when a signed batch holds delivered, a hard bounce, a spam report and a duplicate, then each applies once', async () => {
    const delivered = await emailMessage();
    const bounced = await emailMessage();
    const complained = await emailMessage('delivered');
    const deliveredEvent = event('delivered', { ...of(delivered), email: delivered.address });
    const answer = await sendGrid([
      deliveredEvent,
      // Matched by the X-Message-Id prefix of sg_message_id alone; the address in upper case.
      event('bounce', {
        type: 'bounce',
        email: bounced.address.toUpperCase(),
        sg_message_id: bounced.sgMessageId,
        reason: `550 5.1.1 <${bounced.address}>: user unknown`,
      }),
      event('spamreport', { ...of(complained), email: complained.address }),
      deliveredEvent,
    ]);
    expect(answer).toEqual({ status: 200, body: { received: 4, applied: 3 } });
    expect(await messageRow(db, delivered.requestId)).toMatchObject({ status: 'delivered', delivered_at: expect.any(Date) });
    expect(await messageRow(db, bounced.requestId)).toMatchObject({
      status: 'failed',
      failure_code: 'sendgrid-bounce',
      failure_reason: '550 5.1.1 <[email]>: user unknown',
    });
    expect(await optOut(db, 'email', bounced.address)).toEqual({ scope: 'all', source: 'sendgrid-bounce' });
    expect(await optOut(db, 'email', complained.address)).toEqual({ scope: 'informational', source: 'sendgrid-spamreport' });
    expect(await messageRow(db, complained.requestId)).toMatchObject({ status: 'delivered' });
    expect(await history(db, delivered.requestId)).toEqual([{ event: 'provider-event', detail: { provider: 'sendgrid', event: 'delivered', moved: true } }]);
    expect(JSON.stringify(await history(db, bounced.requestId))).not.toContain('@');
  });

  it('when the whole batch is delivered again, then nothing changes', async () => {
    const m = await emailMessage();
    const events = [event('delivered', of(m)), event('open', of(m))];
    await sendGrid(events);
    expect(await sendGrid(events)).toEqual({ status: 200, body: { received: 2, applied: 0 } });
    expect(await history(db, m.requestId)).toHaveLength(2);
  });

  it('when a soft bounce (blocked), a drop, processed and a late processed after delivered arrive, then statuses only move forward and a lost X-Message-Id is recorded', async () => {
    const blocked = await emailMessage();
    const dropped = await emailMessage('sending');
    // A send whose answer was lost: no X-Message-Id recorded.
    const lost = await emailMessage('sending', { idKnown: false });
    const late = await emailMessage('delivered');
    await sendGrid([
      event('bounce', { type: 'blocked', ...of(blocked), email: blocked.address, reason: 'mailbox temporarily unavailable' }),
      event('dropped', { ...of(dropped), reason: 'Invalid SMTP API header' }),
      event('processed', of(lost)),
      event('processed', of(late)),
    ]);
    expect(await messageRow(db, blocked.requestId)).toMatchObject({ status: 'undelivered', failure_code: 'sendgrid-blocked' });
    expect(await optOut(db, 'email', blocked.address)).toBeUndefined();
    expect(await messageRow(db, dropped.requestId)).toMatchObject({
      status: 'failed',
      failure_code: 'sendgrid-dropped',
      failure_reason: 'Invalid SMTP API header',
    });
    expect(await messageRow(db, lost.requestId)).toMatchObject({ status: 'sent', provider_message_id: lost.providerMessageId });
    expect(await messageRow(db, late.requestId)).toMatchObject({ status: 'delivered' });
  });

  it('when an unsubscribe names no address, then the message recipient is opted out of informational emails', async () => {
    const m = await emailMessage();
    await sendGrid([event('group_unsubscribe', { ...of(m), email: undefined })]);
    expect(await optOut(db, 'email', m.address)).toEqual({ scope: 'informational', source: 'sendgrid-unsubscribe' });
  });

  it('when the batch is unsigned, altered or its timestamp stale (replayed) or in the future, then 401 and nothing is applied', async () => {
    const m = await emailMessage();
    const events = [event('delivered', of(m))];
    const now = Math.floor(Date.now() / 1000);
    for (const answer of [
      await sendGrid(events, { unsigned: true }),
      await sendGrid(events, { tamper: (body) => body.replace('delivered', 'bounce') }),
      await sendGrid(events, { timestamp: now - 601 }),
      await sendGrid(events, { timestamp: now + 3600 }),
    ]) {
      expect(answer).toMatchObject({
        status: 401,
        body: { error: 'unauthenticated', message: expect.stringContaining('X-Twilio-Email-Event-Webhook-Signature') },
      });
    }
    expect(await messageRow(db, m.requestId)).toMatchObject({ status: 'sent' });
    expect(await history(db, m.requestId)).toEqual([]);
  });

  it('when an event names a message this service does not know, then it is acknowledged and only its opt-out applies', async () => {
    const address = email();
    expect(await sendGrid([event('bounce', { type: 'bounce', email: address, requestId: randomUUID() }), event('click', {})])).toMatchObject({ status: 200 });
    expect(await optOut(db, 'email', address)).toEqual({ scope: 'all', source: 'sendgrid-bounce' });
  });

  it('when the body is not an array of events, then 400', async () => {
    expect((await sendGrid([{ event: 'delivered' }])).status).toBe(400);
  });

  it('then no log line holds an email address', () => {
    expect(JSON.stringify(logger.lines)).not.toMatch(/@example\.es/);
  });
});
