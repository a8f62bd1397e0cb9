import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { installationUnblocked, serviceOrderCreated, serviceOrderUpdated, type ServiceOrderSnapshot } from '../../events';
import { useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, useOrderSeller } from '../../test/support/tv';
import { dispatchStartFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
const url = await startFunction('dispatch-start', dispatchStartFunction({ db, logger: memoryLogger() }));

function created(over: Partial<ServiceOrderSnapshot> = {}): ServiceOrderSnapshot {
  return {
    serviceOrderId: randomUUID(), salesSystem: 'PYXIS', salesOrderId: `ES-0042-${randomUUID()}`, salesChannel: 'IN_STORE',
    revision: 1, status: 'CREATED', countryCode: 'ES', businessUnitCode: 'ES-CENTRO', storeCode: 'ES-MAD-0042',
    customerId: randomUUID(), postalCode: '28009', lines: [], skills: ['KITCHEN'], technicalVisitRequired: false,
    requestedWindow: null, contactDeadline: '2026-11-30T10:12:41.000Z', linkedServiceOrderIds: [], ...over,
  };
}
const deliverCreated = (data: ServiceOrderSnapshot, id = randomUUID()) =>
  postEvent(url, cloudEvent({ type: serviceOrderCreated.type, source: '/functions/order-intake', id, data }));
const deliverUnblocked = (serviceOrderId: string) =>
  postEvent(url, cloudEvent({ type: installationUnblocked.type, source: '/functions/orders-installation-gate', id: randomUUID(),
    data: { serviceOrderId, visitId: randomUUID(), unblockedAt: new Date().toISOString() } }));

const deliverUpdated = (data: ServiceOrderSnapshot, id = randomUUID()) =>
  postEvent(url, cloudEvent({ type: serviceOrderUpdated.type, source: '/functions/order-intake', id, data: { ...data, previousRevision: data.revision - 1 } }));

describe('dispatch-start', () => {
  it('when an order that needs no TV is created, then dispatch-requested is requested, correlated by the order id, with the funnel variables', async () => {
    const order = created();
    expect(await deliverCreated(order)).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(await requestedMessages(db, order.serviceOrderId)).toEqual([{
      name: 'dispatch-requested', correlationKey: order.serviceOrderId, messageId: `dispatch-requested:${order.serviceOrderId}`,
      variables: { orderId: order.serviceOrderId, country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' },
    }]);
  });

  it('when the order awaits its TV or is created cancelled, then nothing is requested', async () => {
    const tv = created({ technicalVisitRequired: true });
    const cancelled = created({ status: 'CANCELLED' });
    expect((await deliverCreated(tv)).body).toMatchObject({ result: 'ignored', reason: 'installation awaits its technical visit' });
    expect((await deliverCreated(cancelled)).body).toMatchObject({ result: 'ignored', reason: 'service order cancelled' });
    expect([...(await requestedMessages(db, tv.serviceOrderId)), ...(await requestedMessages(db, cancelled.serviceOrderId))]).toEqual([]);
  });

  it('when a TV unblocks the installation, then the order is dispatched with its scope read from the database; still blocked or cancelled: ignored', async () => {
    const order = await sell();
    expect((await deliverUnblocked(order.id)).body).toMatchObject({ result: 'ignored', reason: 'installation awaits its technical visit' });
    await db.query(`UPDATE orders.service_orders SET installation_status = 'ready' WHERE id = $1`, [order.id]);
    expect((await deliverUnblocked(order.id)).body).toMatchObject({ result: 'applied' });
    expect((await requestedMessages(db, order.id)).map((m) => m.variables)).toEqual([
      { orderId: order.id, country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' },
    ]);
    const cancelled = await sell('pyxis-created', true);
    await db.query(`UPDATE orders.service_orders SET installation_status = 'ready' WHERE id = $1`, [cancelled.id]);
    expect((await deliverUnblocked(cancelled.id)).body).toMatchObject({ result: 'ignored', reason: 'service order cancelled' });
  });

  it('when an order is cancelled, then dispatch-order-closed (closure cancelled) is requested under one message id per order; other updates are ignored', async () => {
    const order = created({ revision: 2 });
    expect((await deliverUpdated(order)).body).toMatchObject({ result: 'ignored', reason: 'not a cancellation' });
    expect(await requestedMessages(db, order.serviceOrderId)).toEqual([]);

    const cancelled = { ...order, revision: 3, status: 'CANCELLED' as const };
    expect((await deliverUpdated(cancelled)).body).toMatchObject({ result: 'applied', detail: { closure: 'cancelled' } });
    // The same cancellation delivered again (a new event id): one message id, published once.
    await deliverUpdated(cancelled);
    const requested = await requestedMessages(db, order.serviceOrderId);
    expect(requested.map((m) => m.messageId)).toEqual([`order-closed:${order.serviceOrderId}`, `order-closed:${order.serviceOrderId}`]);
    expect(requested[0]).toEqual({ name: 'dispatch-order-closed', correlationKey: order.serviceOrderId, messageId: `order-closed:${order.serviceOrderId}`, variables: { closure: 'cancelled' } });
  });
});
