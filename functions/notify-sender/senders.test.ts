import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notifyMessageRequested } from '../../events';
import { sandboxMessages } from '../../mesh/messaging';
import { useIsolatedDb } from '../../test/support/isolated-db';
import { eventually } from '../../test/support/eventually';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { useOrderSeller } from '../../test/support/tv';
import { notifySenderFunction } from './function';
import { startSenders } from './senders';
import { useSenderWorld } from './testing';

const db = useIsolatedDb();
const sell = await useOrderSeller(db);
const clock = () => new Date('2026-12-07T10:00:00Z');
const world = await useSenderWorld(db, clock);
const url = await startFunction('notify-sender', notifySenderFunction({ db, logger: memoryLogger(), clock }));

async function request(order: { id: string; customerId: string }, transactional: boolean) {
  const data = {
    requestId: randomUUID(),
    channel: 'sms',
    recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
    locale: 'es',
    ...(transactional
      ? { templateId: 'contract.signature-reminder', parameters: { orderReference: `T-${order.id.slice(0, 6)}` } }
      : { templateId: 'orders.satisfaction-survey', parameters: { orderReference: `B-${order.id.slice(0, 6)}`, surveyUrl: 'https://ahs.example/s/x' } }),
  };
  const answer = await postEvent(url, cloudEvent({ type: notifyMessageRequested.type, source: '/functions/test', id: randomUUID(), data }));
  expect(answer.status).toBe(200);
}

describe('notify-sender senders', () => {
  it('when bulk and transactional messages wait together, then the transactional ones are sent first, each once, and stop lets the sends finish', async () => {
    const orders = await Promise.all(Array.from({ length: 12 }, () => sell()));
    for (const [i, order] of orders.entries()) {
      await db.query('UPDATE orders.customers SET phone = $2 WHERE id = $1', [order.customerId, `+3462${String(i).padStart(7, '0')}`]);
    }
    for (const order of orders.slice(0, 9)) await request(order, false);
    for (const order of orders.slice(9)) await request(order, true);
    const senders = startSenders(world.deps, { perSecond: { sms: 20, email: 20 }, concurrency: 4, leaseMs: 30_000, idleMs: 50, reconcileEveryMs: 60_000 });
    try {
      const sent = await eventually(async () => {
        const all = (await sandboxMessages(world.sandbox.url, { channel: 'sms' })).filter((m) => m.channel === 'sms' && m.direction === 'outbound-api');
        return all.length >= 12 ? all : undefined;
      });
      expect(sent).toHaveLength(12);
      // Claimed two at a time (a tenth of a second at 20/s), most urgent first.
      expect(sent.slice(0, 3).map((m) => (m as { body: string }).body.includes('T-'))).toEqual([true, true, true]);
      expect(new Set(sent.map((m) => (m as { to: string }).to)).size).toBe(12);
    } finally {
      await senders.stop();
    }
    expect(senders.stats()).toMatchObject({ sent: 12, errors: 0, inFlight: 0 });
    const { rows } = await db.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM notify.messages GROUP BY status`);
    expect(rows.filter((r) => r.status === 'queued' || r.status === 'sending')).toEqual([]);
  });
});
