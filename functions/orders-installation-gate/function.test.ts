import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job, outboxOf, postJob, useOrderSeller } from '../../test/support/tv';
import { ordersInstallationGateFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
const now = new Date('2027-01-12T15:00:00Z');
const url = await startFunction('orders-installation-gate', ordersInstallationGateFunction({ db, logger: memoryLogger(), clock: () => now }));

const statusOf = async (id: string) =>
  (await db.query<{ installation_status: string }>('SELECT installation_status FROM orders.service_orders WHERE id = $1', [id])).rows[0]?.installation_status;
const unblock = (orderId: string, visitId = randomUUID()) => job('orders-unblock-installation', { orderId, visitId, outcome: 'YES' });
const cancel = (orderId: string, reason: string, visitId = randomUUID()) => job('orders-cancel-installation', { orderId, visitId, reason });
const tvEvents = async (id: string) => (await outboxOf(db, id)).filter((e) => !e.type.startsWith('ahs.orders.service-order'));

describe('orders-installation-gate', () => {
  it('when the TV says go, then the installation becomes ready and orders.installation.unblocked is announced', async () => {
    const order = await sell();
    expect(await statusOf(order.id)).toBe('awaiting-tv');
    const visitId = randomUUID();
    expect(await postJob(url, unblock(order.id, visitId))).toEqual({ status: 200, body: { variables: {} } });
    expect(await statusOf(order.id)).toBe('ready');
    expect(await tvEvents(order.id)).toEqual([
      {
        type: 'ahs.orders.installation.unblocked',
        partition_key: order.id,
        data: { serviceOrderId: order.id, visitId, unblockedAt: '2027-01-12T15:00:00.000Z' },
      },
    ]);
  });

  it('when the TV is negative, then the installation is cancelled, a refund of the order total is requested and the customer informed, by reference', async () => {
    const order = await sell();
    expect((await postJob(url, cancel(order.id, 'tv-negative'))).status).toBe(200);
    expect(await statusOf(order.id)).toBe('cancelled');
    const events = await tvEvents(order.id);
    expect(events.map((e) => e.type)).toEqual(['ahs.orders.installation.cancelled', 'ahs.orders.refund.requested', 'ahs.notify.message.requested']);
    expect(events[0]?.data).toMatchObject({ serviceOrderId: order.id, reason: 'tv-negative' });
    expect(events[1]?.data).toMatchObject({
      serviceOrderId: order.id,
      customerId: order.customerId,
      salesSystem: 'PYXIS',
      salesOrderId: order.salesOrderId,
      reason: 'tv-negative',
      amounts: [{ amountMinor: 153000, currency: 'EUR' }],
    });
    expect(events[2]?.data).toMatchObject({
      channel: 'email',
      recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
      templateId: 'tv.installation-cancelled',
      locale: 'es',
      parameters: { orderReference: order.salesOrderId, reason: 'tv-negative' },
    });
    expect(JSON.stringify(events)).not.toMatch(/lucia|@example|\+34/i);
  });

  it('when the same job is delivered again, then the first answer is repeated and nothing is announced twice', async () => {
    const order = await sell();
    const j = cancel(order.id, 'adjustments-refused');
    const first = await postJob(url, j);
    expect(await postJob(url, j)).toEqual(first);
    expect(await tvEvents(order.id)).toHaveLength(3);
  });

  it('when the status is already the target (another job key), then the job completes and nothing is announced again', async () => {
    const ready = await sell();
    await postJob(url, unblock(ready.id));
    expect((await postJob(url, unblock(ready.id))).status).toBe(200);
    expect(await tvEvents(ready.id)).toHaveLength(1);
    const cancelled = await sell();
    await postJob(url, cancel(cancelled.id, 'adjustments-unanswered'));
    expect((await postJob(url, cancel(cancelled.id, 'adjustments-unanswered'))).status).toBe(200);
    expect(await tvEvents(cancelled.id)).toHaveLength(3);
  });

  it('when unblock and cancel disagree, then 400 with the reason: an incident for a person, no change', async () => {
    const order = await sell();
    await postJob(url, cancel(order.id, 'tv-negative'));
    expect(await postJob(url, unblock(order.id))).toMatchObject({ status: 400, body: { code: 'installation-cancelled' } });
    expect(await statusOf(order.id)).toBe('cancelled');
  });

  it('when the cancel reason is not one the model sets, then 400 naming variables.reason', async () => {
    const order = await sell();
    const answer = await postJob(url, cancel(order.id, 'changed-my-mind'));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'variables.reason' })]);
    expect(await statusOf(order.id)).toBe('awaiting-tv');
  });
});
