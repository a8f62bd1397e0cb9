import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notifyMessageRequested, notifyPartnerMessageRequested, notifyScheduledMessageCancelled } from '../../events';
import { useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { useOrderSeller } from '../../test/support/tv';
import { notifySenderFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
let now = new Date('2026-12-07T10:00:00Z');
const woken: string[] = [];
const url = await startFunction(
  'notify-sender',
  notifySenderFunction({ db, logger: memoryLogger(), clock: () => now, wake: (channel) => void woken.push(channel) }),
);

const PROVIDER = '11111111-1111-4111-8111-111111111111';

function customerRequest(order: { id: string; customerId: string }, over: Record<string, unknown> = {}) {
  return {
    requestId: randomUUID(),
    channel: 'sms',
    recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
    templateId: 'contract.signature-reminder',
    locale: 'es',
    parameters: { orderReference: 'PYX-2026-000123' },
    ...over,
  };
}

const deliver = (type: string, data: unknown, id = randomUUID()) => postEvent(url, cloudEvent({ type, source: '/functions/test', id, data }));

async function message(requestId: string) {
  const {
    rows: [row],
  } = await db.query<{
    status: string;
    not_before: Date;
    deferred_reason: string | null;
    priority: number;
    body_text: string;
    kind: string;
    country_code: string;
  }>('SELECT status, not_before, deferred_reason, priority, body_text, kind, country_code FROM notify.messages WHERE request_id = $1', [requestId]);
  return row;
}

describe('notify-sender accepting requests', () => {
  it('when a customer SMS is requested by day, then it is queued once, rendered in Spanish, due at once, and a redelivery changes nothing', async () => {
    const order = await sell();
    const request = customerRequest(order);
    woken.length = 0;
    const first = await deliver(notifyMessageRequested.type, request);
    expect(first.body).toMatchObject({ result: 'applied', detail: { requestId: request.requestId, notBefore: now.toISOString() } });
    expect(woken).toEqual(['sms']);
    const again = await deliver(notifyMessageRequested.type, request);
    expect(again.body).toEqual({ result: 'ignored', reason: 'request already queued' });
    const row = await message(request.requestId);
    expect(row).toMatchObject({ status: 'queued', deferred_reason: null, priority: 0, kind: 'transactional', country_code: 'ES' });
    expect(row?.body_text).toContain('PYX-2026-000123');
    const { rows } = await db.query('SELECT 1 FROM notify.messages WHERE request_id = $1', [request.requestId]);
    expect(rows).toHaveLength(1);
  });

  it('when a customer SMS is requested at 22:30 in Madrid, then it waits for 08:00 Madrid time; an email or a provider SMS at that hour goes at once', async () => {
    now = new Date('2026-12-07T21:30:00Z'); // 22:30 in Madrid (CET)
    try {
      const order = await sell();
      const sms = customerRequest(order);
      await deliver(notifyMessageRequested.type, sms);
      expect(await message(sms.requestId)).toMatchObject({ deferred_reason: 'quiet-hours', not_before: new Date('2026-12-08T07:00:00Z') });
      const email = customerRequest(order, { channel: 'email' });
      await deliver(notifyMessageRequested.type, email);
      expect(await message(email.requestId)).toMatchObject({ deferred_reason: null, not_before: now });
      const partner = {
        requestId: randomUUID(),
        channel: 'sms',
        recipient: { kind: 'provider', providerId: PROVIDER, technicianId: null },
        serviceOrderId: order.id,
        templateId: 'dispatch.offer-received',
        locale: 'es',
        parameters: { offerId: randomUUID(), expiresAt: '2026-12-08T09:00:00Z' },
      };
      expect((await deliver(notifyPartnerMessageRequested.type, partner)).body).toMatchObject({ result: 'applied' });
      expect(await message(partner.requestId)).toMatchObject({ deferred_reason: null, not_before: now });
    } finally {
      now = new Date('2026-12-07T10:00:00Z');
    }
  });

  it('when a template id is unknown, then the request is dead-lettered naming it and nothing is queued', async () => {
    const order = await sell();
    const request = customerRequest(order, { templateId: 'contract.never-written' });
    const answer = await deliver(notifyMessageRequested.type, request);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'unknown-template', reason: 'message template contract.never-written is not declared' });
    expect(await message(request.requestId)).toBeUndefined();
  });

  it('when a parameter the text names is missing, then the request is dead-lettered naming the template and the parameter, not sent half-filled', async () => {
    const order = await sell();
    const request = customerRequest(order, { parameters: {} });
    const answer = await deliver(notifyMessageRequested.type, request);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'template-render-failed' });
    expect((answer.body as { reason: string }).reason).toBe(
      'message template contract.signature-reminder (sms, es) cannot be rendered: parameter orderReference is missing',
    );
    expect(await message(request.requestId)).toBeUndefined();
  });

  it('when a locale is not one of the four, then the request is refused naming the field', async () => {
    const order = await sell();
    const answer = await deliver(notifyMessageRequested.type, customerRequest(order, { locale: 'de' }));
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('data.locale');
  });

  it('when the order is unknown, then the request is dead-lettered with that reason', async () => {
    const answer = await deliver(notifyMessageRequested.type, customerRequest({ id: randomUUID(), customerId: randomUUID() }));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'unknown-order' });
  });

  it('when a reminder is scheduled, moved and then cancelled, then only the newest waits and the cancellation withdraws it', async () => {
    const order = await sell();
    const collapseKey = `appointment-reminder:${order.id}`;
    const first = customerRequest(order, { channel: 'email', schedule: { sendAt: '2026-12-09T17:00:00Z', collapseKey } });
    const moved = customerRequest(order, { channel: 'email', schedule: { sendAt: '2026-12-10T17:00:00Z', collapseKey } });
    await deliver(notifyMessageRequested.type, first);
    expect(await message(first.requestId)).toMatchObject({ status: 'queued', deferred_reason: 'scheduled', not_before: new Date('2026-12-09T17:00:00Z') });
    await deliver(notifyMessageRequested.type, moved);
    expect(await message(first.requestId)).toMatchObject({ status: 'cancelled' });
    expect(await message(moved.requestId)).toMatchObject({ status: 'queued', not_before: new Date('2026-12-10T17:00:00Z') });
    const cancelled = await deliver(notifyScheduledMessageCancelled.type, { collapseKey, serviceOrderId: order.id, reason: 'appointment cancelled' });
    expect(cancelled.body).toEqual({ result: 'applied', detail: { cancelled: 1 } });
    expect(await message(moved.requestId)).toMatchObject({ status: 'cancelled' });
    const { rows } = await db.query<{ event: string; detail: Record<string, unknown> }>(
      'SELECT event, detail FROM notify.message_events WHERE request_id = $1 ORDER BY id',
      [moved.requestId],
    );
    expect(rows.map((r) => r.event)).toEqual(['accepted', 'deferred', 'cancelled']);
  });
});
