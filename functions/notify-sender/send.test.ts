import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notifyMessageRequested } from '../../events';
import { failNextSends, sandboxMessages, setPhoneFate } from '../../mesh/messaging';
import { recordOptOut } from '../../shared/notify/consent';
import { smsSegments } from '../../shared/notify/sms-segments';
import { eventually } from '../../test/support/eventually';
import { useIsolatedDb } from '../../test/support/isolated-db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { useOrderSeller } from '../../test/support/tv';
import { notifySenderFunction } from './function';
import { refreshPrices } from './prices';
import { reconcileUnanswered } from './reconcile';
import { claimNext, sendClaimed } from './send';
import { useSenderWorld } from './testing';

const db = useIsolatedDb();
const sell = await useOrderSeller(db);
// By day in Madrid: no quiet hours in the way.
const clock = () => new Date('2026-12-07T10:00:00Z');
const world = await useSenderWorld(db, clock);
const url = await startFunction('notify-sender', notifySenderFunction({ db, logger: memoryLogger(), clock }));

/** An order whose customer has this phone (and email, unless null), sold from the Spanish fixture. */
async function orderWith(phone: string, email: string | null = `cliente.${randomUUID().slice(0, 8)}@example.es`) {
  const order = await sell();
  await db.query('UPDATE orders.customers SET phone = $2, email = $3 WHERE id = $1', [order.customerId, phone, email]);
  return { ...order, phone, email };
}

const uniquePhone = () => `+3461${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

async function request(order: { id: string; customerId: string }, over: Record<string, unknown> = {}) {
  const data = {
    requestId: randomUUID(),
    channel: 'sms',
    recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
    templateId: 'contract.signature-reminder',
    locale: 'es',
    parameters: { orderReference: 'PYX-2026-000123' },
    ...over,
  };
  const answer = await postEvent(url, cloudEvent({ type: notifyMessageRequested.type, source: '/functions/test', id: randomUUID(), data }));
  expect(answer.status).toBe(200);
  return data.requestId;
}

/** Claims and sends every due message of the channel, the way one sender does, one at a time. */
async function drain(channel: 'sms' | 'email') {
  for (let m = await claimNext(db, channel, 30_000, clock()); m; m = await claimNext(db, channel, 30_000, clock())) await sendClaimed(world.deps, m);
}

async function row(requestId: string) {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM notify.messages WHERE request_id = $1', [requestId]);
  return rows[0];
}
const historyOf = async (requestId: string) =>
  (await db.query<{ event: string }>('SELECT event FROM notify.message_events WHERE request_id = $1 ORDER BY id', [requestId])).rows.map((r) => r.event);

describe('notify-sender sending', () => {
  it('when a customer SMS is due, then the phone receives the rendered text once, with its segments and tariff cost recorded', async () => {
    const order = await orderWith(uniquePhone());
    const id = await request(order);
    await drain('sms');
    const received = await sandboxMessages(world.sandbox.url, { to: order.phone });
    expect(received).toHaveLength(1);
    const sent = await row(id);
    expect(received[0]).toMatchObject({ channel: 'sms', body: sent?.body_text, from: 'AHS Hogar' });
    // Spanish accents (á, ó) are not GSM-7: the text goes as UCS-2, 67 characters a segment.
    const { segments, encoding } = smsSegments(String(sent?.body_text));
    expect(encoding).toBe('UCS-2');
    expect(sent).toMatchObject({
      status: 'sent',
      provider: 'twilio',
      segments,
      encoding,
      cost_micros: String(75000 * segments),
      cost_currency: 'EUR',
      cost_source: 'tariff',
    });
    expect(sent?.provider_message_id).toBe((received[0] as { sid: string }).sid);
    expect(sent?.destination_masked).toBe(`+346${'•'.repeat(order.phone.length - 6)}${order.phone.slice(-2)}`);
    expect(await historyOf(id)).toEqual(['accepted', 'sent']);
    await drain('sms');
    expect(await sandboxMessages(world.sandbox.url, { to: order.phone })).toHaveLength(1);
  });

  it('when an email is due, then it carries the text and HTML parts, the request id and a one-click unsubscribe', async () => {
    const order = await orderWith(uniquePhone());
    const id = await request(order, { channel: 'email' });
    await drain('email');
    const [mail] = await sandboxMessages(world.sandbox.url, { to: order.email ?? '' });
    expect(mail).toMatchObject({
      channel: 'email',
      from: 'servicios@es.ahs.example',
      customArgs: { requestId: id },
      categories: ['contract.signature-reminder'],
    });
    const headers = (mail as { headers: Record<string, string> }).headers;
    expect(headers['List-Unsubscribe']).toMatch(new RegExp(`^<${world.publicBaseUrl}/unsubscribe/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>$`));
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect((mail as { html: string }).html).toContain('PYX-2026-000123');
    expect(await row(id)).toMatchObject({ status: 'sent', provider: 'sendgrid', cost_micros: '1000', segments: null });
  });

  it('when the number is a landline, then the SMS fails with the reason, Twilio is never called, and the email fallback goes instead', async () => {
    const order = await orderWith('+34912345678');
    const id = await request(order);
    await drain('sms');
    expect(await row(id)).toMatchObject({
      status: 'failed',
      failure_code: 'invalid-number',
      failure_reason: 'the phone number is not a valid mobile number for ES',
    });
    expect(await sandboxMessages(world.sandbox.url, { to: '+34912345678' })).toHaveLength(0);
    await drain('email');
    const fallback = await db.query<{ status: string; channel: string }>('SELECT status, channel FROM notify.messages WHERE fallback_of = $1', [id]);
    expect(fallback.rows).toEqual([{ status: 'sent', channel: 'email' }]);
    expect(await sandboxMessages(world.sandbox.url, { to: order.email ?? '' })).toHaveLength(1);
    expect(await historyOf(id)).toEqual(['accepted', 'failed', 'fallback']);
  });

  it('when Twilio says the recipient opted out (21610), then it is recorded as failed and as an opt-out, not retried, and falls back to email', async () => {
    const order = await orderWith(uniquePhone());
    await setPhoneFate(world.sandbox.url, order.phone, 'opted-out');
    const id = await request(order);
    await drain('sms');
    expect(await row(id)).toMatchObject({ status: 'failed', failure_code: '21610', attempts: 1 });
    const optOut = await db.query('SELECT scope, source FROM notify.opt_outs WHERE channel = $1 AND address = $2', ['sms', order.phone]);
    expect(optOut.rows).toEqual([{ scope: 'all', source: 'twilio-21610' }]);
    const fallback = await db.query('SELECT channel FROM notify.messages WHERE fallback_of = $1', [id]);
    expect(fallback.rows).toEqual([{ channel: 'email' }]);
  });

  it('when Twilio answers 429 with Retry-After, then the message waits at least that long and every sender of the account is held back', async () => {
    const order = await orderWith(uniquePhone());
    await failNextSends(world.sandbox.url, { channel: 'sms', count: 1, status: 429, retryAfterSeconds: 30 });
    const id = await request(order);
    await drain('sms');
    const waiting = await row(id);
    expect(waiting).toMatchObject({ status: 'queued', deferred_reason: 'retry', attempts: 1 });
    expect((waiting?.not_before as Date).getTime()).toBeGreaterThanOrEqual(clock().getTime() + 30_000);
    const { rows } = await db.query<{ ahead_s: number }>(`SELECT extract(epoch FROM next_slot - now()) AS ahead_s FROM notify.rate_limits WHERE account = $1`, [
      world.deps.sms.account,
    ]);
    expect(Number(rows[0]?.ahead_s)).toBeGreaterThan(25);
    await db.query(`UPDATE notify.rate_limits SET next_slot = now() WHERE account = $1`, [world.deps.sms.account]);
    await db.query(`UPDATE notify.messages SET not_before = $2 WHERE request_id = $1`, [id, clock()]);
    await drain('sms');
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await sandboxMessages(world.sandbox.url, { to: order.phone })).toHaveLength(1);
  });

  it('when the recipient unsubscribed from emails, then informational ones are suppressed and transactional ones still go', async () => {
    const order = await orderWith(uniquePhone());
    await recordOptOut(db, { channel: 'email', address: order.email ?? '', scope: 'informational', source: 'list-unsubscribe' });
    const informational = await request(order, {
      channel: 'email',
      templateId: 'orders.satisfaction-survey',
      parameters: { orderReference: 'PYX-2026-000123', surveyUrl: 'https://ahs.example/surveys/t' },
    });
    const transactional = await request(order, { channel: 'email' });
    const kinds = await db.query<{ request_id: string; kind: string }>('SELECT request_id, kind FROM notify.messages WHERE request_id = ANY($1)', [
      [informational, transactional],
    ]);
    expect(Object.fromEntries(kinds.rows.map((r) => [r.request_id, r.kind]))).toEqual({ [informational]: 'informational', [transactional]: 'transactional' });
    await drain('email');
    expect(await row(informational)).toMatchObject({ status: 'suppressed', failure_code: 'opted-out' });
    expect(await row(transactional)).toMatchObject({ status: 'sent' });
    expect(await sandboxMessages(world.sandbox.url, { to: order.email ?? '' })).toHaveLength(1);
  });

  it('when the answer of a send is lost, then nothing is resent until reconciled, and the provider lookup settles it as sent once', async () => {
    const order = await orderWith(uniquePhone());
    const id = await request(order);
    const claimed = await claimNext(db, 'sms', 30_000, clock());
    expect(claimed?.request_id).toBe(id);
    // Twilio took it, but the answer never reached the sender (it died, or the call timed out).
    const lost = {
      ...world.deps,
      sms: {
        ...world.deps.sms,
        send: async (s: Parameters<typeof world.deps.sms.send>[0]) => {
          await world.deps.sms.send(s);
          return { outcome: 'unknown' as const, code: 'timeout', reason: 'no answer within 2000 ms' };
        },
      },
    };
    await sendClaimed(lost, claimed!);
    expect(await row(id)).toMatchObject({ status: 'sending', provider_message_id: null });
    await drain('sms');
    expect(await sandboxMessages(world.sandbox.url, { to: order.phone })).toHaveLength(1);
    await db.query(`UPDATE notify.messages SET lease_until = now() - interval '1 second' WHERE request_id = $1`, [id]);
    expect(await reconcileUnanswered(world.deps)).toBeGreaterThanOrEqual(1);
    const [sms] = await sandboxMessages(world.sandbox.url, { to: order.phone });
    expect(await row(id)).toMatchObject({ status: 'sent', provider_message_id: (sms as { sid: string }).sid, cost_source: 'tariff', cost_currency: 'EUR' });
    expect(await historyOf(id)).toEqual(['accepted', 'outcome-unknown', 'reconciled']);
    await drain('sms');
    expect(await sandboxMessages(world.sandbox.url, { to: order.phone })).toHaveLength(1);
  });

  it('when a sender died after claiming and before calling, then the lookup finds nothing and the message is sent once after the lease', async () => {
    const order = await orderWith(uniquePhone());
    const id = await request(order);
    await claimNext(db, 'sms', 30_000, clock());
    await db.query(`UPDATE notify.messages SET lease_until = now() - interval '1 second' WHERE request_id = $1`, [id]);
    await reconcileUnanswered(world.deps);
    expect(await row(id)).toMatchObject({ status: 'queued', deferred_reason: 'reconciled' });
    await drain('sms');
    expect(await sandboxMessages(world.sandbox.url, { to: order.phone })).toHaveLength(1);
    expect(await historyOf(id)).toEqual(['accepted', 'requeued', 'sent']);
  });

  it('when a delivered SMS has its price at Twilio, then the tariff gives way to it, asked once', async () => {
    const order = await orderWith(uniquePhone());
    const id = await request(order);
    await drain('sms');
    const sid = String((await row(id))?.provider_message_id);
    await eventually(async () => ((await world.deps.sms.message(sid))?.price ? true : undefined));
    // notify-webhooks records the delivery; here the row is moved as it would, a minute ago.
    await db.query(`UPDATE notify.messages SET status = 'delivered', updated_at = now() - interval '1 minute' WHERE request_id = $1`, [id]);
    expect(await refreshPrices(world.deps)).toBe(1);
    const { segments } = smsSegments(String((await row(id))?.body_text));
    expect(await row(id)).toMatchObject({ cost_source: 'provider', cost_micros: String(75000 * segments), cost_currency: 'EUR' });
    expect(await historyOf(id)).toEqual(['accepted', 'sent', 'priced']);
    expect(await refreshPrices(world.deps)).toBe(0);
  });
});
