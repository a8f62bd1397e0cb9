import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNotifyMessagesHarness, type Json, type PlacedOrder } from './testing';

const h = await startNotifyMessagesHarness();
const { call } = h;
/** August 2026: no other test writes messages of that month (the cost report's tests use October and November). */
const at = (time: string, day = 3) => new Date(`2026-08-0${String(day)}T${time}Z`);
const s = { es: {} as PlacedOrder, fr: {} as PlacedOrder, sms: '', failed: '', fallback: '', reminder: '', frSms: '' };

beforeAll(async () => {
  s.es = await h.order();
  s.fr = await h.order('pyxis-created-fr-store');
  // Listed oldest first whatever the insertion order: the reminder is written first.
  s.reminder = await h.message(s.es, {
    templateId: 'appointment.reminder',
    status: 'queued',
    segments: null,
    createdAt: at('21:30:00'),
    notBefore: at('07:00:00', 4),
    deferredReason: 'quiet-hours',
  });
  s.sms = await h.message(s.es, {
    segments: 2,
    cost: { micros: 150000, currency: 'EUR', source: 'provider' },
    createdAt: at('09:00:00'),
    sentAt: at('09:00:05'),
    deliveredAt: at('09:00:20'),
  });
  s.failed = await h.message(s.es, {
    recipientKind: 'technician',
    status: 'failed',
    segments: null,
    failure: { code: '30003', reason: 'Unreachable destination handset' },
    createdAt: at('10:00:00'),
  });
  s.fallback = await h.message(s.es, {
    channel: 'email',
    recipientKind: 'technician',
    status: 'sent',
    subject: 'Nueva cita',
    text: 'Tiene una nueva cita el 3 de diciembre.',
    destination: 'j•••@example.com',
    cost: { micros: 1000, currency: 'EUR', source: 'tariff' },
    fallbackOf: s.failed,
    createdAt: at('10:00:02'),
    sentAt: at('10:00:03'),
  });
  s.frSms = await h.message(s.fr, { createdAt: at('09:00:00') });
  await h.event(s.reminder, 'accepted', at('21:30:00'), { templateVersion: 3, kind: 'transactional' });
  await h.event(s.reminder, 'deferred', at('21:30:00'), { reason: 'quiet-hours', until: at('07:00:00', 4).toISOString() });
  await h.event(s.sms, 'status-callback', at('09:00:20'), { status: 'delivered' });
  await h.event(s.sms, 'sent', at('09:00:05'), { providerMessageId: 'SM0001', status: 'queued', to: '+34 6•• ••• •12', attempt: 1 });
  await h.event(s.sms, 'accepted', at('09:00:00'), { templateVersion: 3, kind: 'transactional' });
  await h.event(s.failed, 'accepted', at('10:00:00'));
  await h.event(s.failed, 'failed', at('10:00:01'), { code: '30003', reason: 'Unreachable destination handset' });
  await h.event(s.failed, 'fallback', at('10:00:02'), { to: 'email', requestId: s.fallback, failure: '30003' });
  await h.event(s.fallback, 'accepted', at('10:00:02'), { fallbackOf: s.failed });
});

const requestIds = (answer: { body: Json }) => (answer.body.items as Json[]).map((m) => m.requestId);

describe('notify-messages GET /orders/:orderId/messages', () => {
  it("when operator-es reads an order's messages, then each one oldest first, masked, costed, with its history in order", async () => {
    const answer = await call(`/orders/${s.es.id}/messages`, 'operator-es');
    expect(answer.status).toBe(200);
    expect(answer.body.serviceOrderId).toBe(s.es.id);
    expect(requestIds(answer)).toEqual([s.sms, s.failed, s.fallback, s.reminder]);
    expect(answer.body.nextCursor).toBeNull();
    const [sms, failed, fallback, reminder] = answer.body.items as Json[];
    expect(sms).toEqual({
      requestId: s.sms,
      channel: 'sms',
      recipientKind: 'customer',
      template: { id: 'appointment.confirmed', version: 3 },
      locale: 'es-ES',
      kind: 'transactional',
      status: 'delivered',
      destination: '+34 6•• ••• •12',
      subject: null,
      text: 'AHS: su cita es el 3 de diciembre.',
      segments: 2,
      cost: { amount: '0.15', currency: 'EUR', source: 'provider' },
      failure: null,
      fallbackOf: null,
      notBefore: null,
      deferredReason: null,
      createdAt: '2026-08-03T09:00:00.000Z',
      sentAt: '2026-08-03T09:00:05.000Z',
      deliveredAt: '2026-08-03T09:00:20.000Z',
      history: [
        { event: 'accepted', at: '2026-08-03T09:00:00.000Z', detail: { templateVersion: 3, kind: 'transactional' } },
        { event: 'sent', at: '2026-08-03T09:00:05.000Z', detail: { providerMessageId: 'SM0001', status: 'queued', to: '+34 6•• ••• •12', attempt: 1 } },
        { event: 'status-callback', at: '2026-08-03T09:00:20.000Z', detail: { status: 'delivered' } },
      ],
    });
    expect(failed).toMatchObject({
      recipientKind: 'technician',
      status: 'failed',
      cost: null,
      failure: { code: '30003', reason: 'Unreachable destination handset' },
      history: [{ event: 'accepted' }, { event: 'failed' }, { event: 'fallback', detail: { to: 'email', requestId: s.fallback } }],
    });
    expect(fallback).toMatchObject({
      channel: 'email',
      subject: 'Nueva cita',
      destination: 'j•••@example.com',
      segments: null,
      cost: { amount: '0.001', currency: 'EUR', source: 'tariff' },
      fallbackOf: s.failed,
      history: [{ event: 'accepted', detail: { fallbackOf: s.failed } }],
    });
    expect(reminder).toMatchObject({
      status: 'queued',
      notBefore: '2026-08-04T07:00:00.000Z',
      deferredReason: 'quiet-hours',
      sentAt: null,
      history: [{ event: 'accepted' }, { event: 'deferred', detail: { reason: 'quiet-hours' } }],
    });
    expect(requestIds(answer)).not.toContain(s.frSms);
  });

  it('when read a page at a time, then the next page follows the cursor, and the last has none', async () => {
    const first = await call(`/orders/${s.es.id}/messages?limit=3`, 'admin');
    expect(requestIds(first)).toEqual([s.sms, s.failed, s.fallback]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call(`/orders/${s.es.id}/messages?limit=3&cursor=${String(first.body.nextCursor)}`, 'admin');
    expect(requestIds(next)).toEqual([s.reminder]);
    expect((next.body.items as Json[])[0]).toMatchObject({ history: [{ event: 'accepted' }, { event: 'deferred' }] });
    expect(next.body.nextCursor).toBeNull();
  });

  it("when another tenant's operator asks, then 404, as for an unknown order; its own tenant's operators and admins 200", async () => {
    expect((await call(`/orders/${s.es.id}/messages`, 'operator-fr')).status).toBe(404);
    expect((await call(`/orders/${s.fr.id}/messages`, 'operator-es')).status).toBe(404);
    expect((await call(`/orders/${s.es.id}/messages`, 'bu-manager-es')).status).toBe(200);
    expect((await call(`/orders/${s.fr.id}/messages`, 'admin-es')).status).toBe(404);
    expect((await call(`/orders/${randomUUID()}/messages`, 'admin')).status).toBe(404);
    const fr = await call(`/orders/${s.fr.id}/messages`, 'operator-fr-rhone');
    expect(fr).toMatchObject({ status: 200, body: { items: [{ requestId: s.frSms }] } });
  });

  it('when provider staff or nobody asks, then 403 and 401; not a UUID or a bad cursor, 400 naming the field', async () => {
    expect((await call(`/orders/${s.es.id}/messages`, 'technician')).status).toBe(403);
    expect((await call(`/orders/${s.es.id}/messages`, 'provider-admin')).status).toBe(403);
    expect((await call(`/orders/${s.es.id}/messages`, undefined)).status).toBe(401);
    expect((await call('/orders/nope/messages', 'operator-es')).body.issues).toEqual([expect.objectContaining({ field: 'params.orderId' })]);
    expect((await call(`/orders/${s.es.id}/messages?cursor=nope`, 'operator-es')).body.issues).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
  });
});
