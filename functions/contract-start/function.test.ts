import { randomUUID } from 'node:crypto';
import type { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { installationUnblocked, salesOrderCreated, salesOrderUpdated, serviceOrderCreated, serviceOrderUpdated } from '../../events';
import { pyxis, tempo } from '../../test/fixtures/sales';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages } from '../../test/support/tv';
import { orderIntakeFunction } from '../order-intake/function';
import { contractStartFunction } from './function';
import { decide, type OrderState } from './handler';

const db = useTestDb();
const intakeUrl = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));
const url = await startFunction('contract-start', contractStartFunction({ db, logger: memoryLogger() }));

type Sale = ReturnType<typeof pyxis> | ReturnType<typeof tempo>;

/** Posts a sale to order-intake; returns the service-order event it announced, as Kafka delivers it. */
async function intake(type: string, m: Sale): Promise<CloudEvent<unknown>> {
  const answer = await postEvent(intakeUrl, cloudEvent({ type, source: '/sales/test', id: randomUUID(), data: m }));
  expect(answer.body).toMatchObject({ result: 'applied' });
  const [system, ref] = 'header' in m ? ['PYXIS', m.order.orderNumber] : ['TEMPO', m.sale.sale_ref];
  const {
    rows: [row],
  } = await db.query<{ event_id: string; type: string; data: unknown }>(
    `SELECT x.event_id, x.type, x.data FROM platform.outbox x JOIN orders.service_orders o ON o.id::text = x.partition_key
      WHERE o.sales_system = $1 AND o.sales_order_id = $2 AND x.type = ANY($3) ORDER BY x.id DESC LIMIT 1`,
    [system, ref, [serviceOrderCreated.type, serviceOrderUpdated.type]],
  );
  return cloudEvent({ type: row!.type, source: '/functions/order-intake', id: row!.event_id, data: row!.data });
}

const orderIdOf = (e: CloudEvent<unknown>) => (e.data as { serviceOrderId: string }).serviceOrderId;
const deliver = (event: CloudEvent<unknown>) => postEvent(url, event);

async function unblock(orderId: string) {
  await db.query(`UPDATE orders.service_orders SET installation_status = 'ready' WHERE id = $1`, [orderId]);
  return cloudEvent({
    type: installationUnblocked.type,
    source: '/functions/orders-installation-gate',
    id: randomUUID(),
    data: { serviceOrderId: orderId, visitId: randomUUID(), unblockedAt: new Date().toISOString() },
  });
}

const cancelledDoor = (sale: ReturnType<typeof tempo>) => {
  const next = structuredClone(sale);
  Object.assign(next, { event_id: `${sale.event_id}-void`, event_kind: 'sale.updated' });
  Object.assign(next.sale, { version: 2, state: 'void' });
  return next;
};

describe('contract-start', () => {
  it('when an order that needs no TV is created, then contract-requested is requested once, correlated by the order id, with its scope', async () => {
    const created = await intake(salesOrderCreated.type, tempo('tempo-created-pl', unique()));
    const orderId = orderIdOf(created);
    expect(await deliver(created)).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect((await deliver(created.cloneWith({ id: randomUUID() }))).body).toEqual({ result: 'ignored', reason: 'contract already requested' });
    expect(await requestedMessages(db, orderId)).toEqual([
      {
        name: 'contract-requested',
        correlationKey: orderId,
        messageId: `contract-requested:${orderId}`,
        variables: { orderId, country: 'PL', businessUnit: 'PL-MAZOWIECKIE', store: 'PL-WAW-0021' },
      },
    ]);
  });

  it('when the order awaits its TV, then nothing is requested until the TV unblocks it', async () => {
    const created = await intake(salesOrderCreated.type, pyxis('pyxis-created', unique()));
    const orderId = orderIdOf(created);
    expect((await deliver(created)).body).toEqual({ result: 'ignored', reason: 'installation awaits its technical visit' });
    expect(await requestedMessages(db, orderId)).toEqual([]);
    expect((await deliver(await unblock(orderId))).body).toMatchObject({ result: 'applied' });
    expect((await requestedMessages(db, orderId)).map((m) => [m.name, m.variables.store])).toEqual([['contract-requested', 'ES-MAD-0042']]);
  });

  it('when a contracted order is cancelled, then contract-order-cancelled is requested once; cancelled before any contract, none is ever started', async () => {
    const sale = tempo('tempo-created-pl', unique());
    const created = await intake(salesOrderCreated.type, sale);
    await deliver(created);
    const cancelled = await intake(salesOrderUpdated.type, cancelledDoor(sale));
    expect((await deliver(cancelled)).body).toMatchObject({ result: 'applied', detail: { closure: 'order-cancelled' } });
    expect((await deliver(cancelled.cloneWith({ id: randomUUID() }))).body).toEqual({ result: 'ignored', reason: 'service order cancelled' });
    expect((await requestedMessages(db, orderIdOf(created))).map((m) => m.name)).toEqual(['contract-requested', 'contract-order-cancelled']);

    const early = tempo('tempo-created-pl', unique());
    const earlyCreated = await intake(salesOrderCreated.type, early);
    const earlyCancelled = await intake(salesOrderUpdated.type, cancelledDoor(early));
    expect((await deliver(earlyCancelled)).body).toMatchObject({ result: 'applied', detail: { closure: 'before any contract' } });
    expect((await deliver(earlyCreated)).body).toEqual({ result: 'ignored', reason: 'service order cancelled' });
    expect(await requestedMessages(db, orderIdOf(earlyCreated))).toEqual([]);
  });

  it('when the order is older than the event, then 503 and nothing is requested', async () => {
    const created = await intake(salesOrderCreated.type, tempo('tempo-created-pl', unique()));
    const data = created.data as { revision: number };
    expect((await deliver(created.cloneWith({ id: randomUUID(), data: { ...data, revision: 9 } }))).status).toBe(503);
    expect(await requestedMessages(db, orderIdOf(created))).toEqual([]);
  });

  it.each<[Partial<OrderState>, string]>([
    [{ contractStatus: 'signed' }, 'contract signed'],
    [{ contractStatus: 'not-required' }, 'contract not-required'],
    [{ installationStatus: 'cancelled' }, 'installation cancelled by its technical visit'],
    [{ closed: true }, 'contract closed'],
  ])('when the order is %o, then nothing is started (%s)', (over, reason) => {
    const ready: OrderState = { status: 'CREATED', installationStatus: 'ready', contractStatus: 'awaiting-signature', requested: false, closed: false };
    expect(decide(ready)).toEqual({ action: 'start' });
    expect(decide({ ...ready, ...over })).toEqual({ action: 'none', reason });
  });
});
