import { randomUUID } from 'node:crypto';
import type { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { installationUnblocked, salesOrderCreated, salesOrderUpdated, serviceOrderCreated, serviceOrderUpdated } from '../../events';
import { pyxis, tempo } from '../../test/fixtures/sales';
import { arrivalName, permutations } from '../../test/support/arrival-orders';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, type PublishedMessage } from '../../test/support/tv';
import { orderIntakeFunction } from '../order-intake/function';
import { dispatchStartFunction } from './function';
import { decide } from './handler';

const db = useTestDb();
const intakeUrl = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));
const url = await startFunction('dispatch-start', dispatchStartFunction({ db, logger: memoryLogger() }));

// Orders are made as production makes them: sales messages posted to the real order-intake, the
// service-order events it wrote to its outbox delivered to dispatch-start, and the unblocking
// written as the installation gate writes it (installation ready + orders.installation.unblocked).

type Sale = ReturnType<typeof pyxis> | ReturnType<typeof tempo>;
const saleRef = (m: Sale) => ('header' in m ? { system: 'PYXIS', ref: m.order.orderNumber } : { system: 'TEMPO', ref: m.sale.sale_ref });

async function orderIdOf(m: Sale): Promise<string> {
  const { system, ref } = saleRef(m);
  const {
    rows: [row],
  } = await db.query<{ id: string }>('SELECT id FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2', [system, ref]);
  return row!.id;
}

/** Posts a sale to order-intake and returns the service-order event it announced, as the KafkaSource delivers it. */
async function intake(type: string, m: Sale): Promise<CloudEvent<unknown>> {
  const answer = await postEvent(intakeUrl, cloudEvent({ type, source: '/sales/test', id: randomUUID(), data: m }));
  expect(answer.body).toMatchObject({ result: 'applied' });
  const {
    rows: [row],
  } = await db.query<{ event_id: string; type: string; data: unknown }>(
    `SELECT event_id, type, data FROM platform.outbox WHERE partition_key = $1 AND type = ANY($2) ORDER BY id DESC LIMIT 1`,
    [await orderIdOf(m), [serviceOrderCreated.type, serviceOrderUpdated.type]],
  );
  return cloudEvent({ type: row!.type, source: '/functions/order-intake', id: row!.event_id, data: row!.data });
}

/** What the installation gate does when the technical visit says go. */
async function unblock(orderId: string): Promise<CloudEvent<unknown>> {
  await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = $1`, [orderId]);
  return cloudEvent({
    type: installationUnblocked.type,
    source: '/functions/orders-installation-gate',
    id: randomUUID(),
    data: { serviceOrderId: orderId, visitId: randomUUID(), unblockedAt: new Date().toISOString() },
  });
}

const deliver = (event: CloudEvent<unknown>) => postEvent(url, event);

/** A Tempo door installation in Warsaw: no technical visit. */
const door = (suffix: string) => tempo('tempo-created-pl', suffix);
function nextVersion(m: ReturnType<typeof tempo>, version: number, change: Partial<ReturnType<typeof tempo>['sale']>) {
  const next = structuredClone(m);
  Object.assign(next, { event_id: `${m.event_id}-v${version}`, event_kind: 'sale.updated' });
  Object.assign(next.sale, { version, ...change });
  return next;
}
/** The Madrid kitchen: a technical visit blocks its installation. */
const kitchen = (suffix: string) => pyxis('pyxis-created', suffix);
function kitchenCancelled(suffix: string) {
  const m = pyxis('pyxis-updated', suffix);
  m.header.messageId += '-CANCEL';
  m.order.status = 'CANCELLED';
  return m;
}

describe('dispatch-start', () => {
  it('when an order that needs no TV is created, then dispatch-requested is requested, correlated by the order id, with the funnel variables', async () => {
    const created = await intake(salesOrderCreated.type, door(unique()));
    const orderId = (created.data as { serviceOrderId: string }).serviceOrderId;
    expect(await deliver(created)).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(await requestedMessages(db, orderId)).toEqual([
      {
        name: 'dispatch-requested',
        correlationKey: orderId,
        messageId: `dispatch-requested:${orderId}`,
        variables: { orderId, country: 'PL', businessUnit: 'PL-MAZOWIECKIE', store: 'PL-WAW-0021' },
      },
    ]);
    const { rows } = await db.query('SELECT closed_at FROM dispatch.funnel_requests WHERE service_order_id = $1', [orderId]);
    expect(rows).toEqual([{ closed_at: null }]);
  });

  it('when the order awaits its TV, then its creation requests nothing; when the TV unblocks it, then it is dispatched with its scope read from the database', async () => {
    const created = await intake(salesOrderCreated.type, kitchen(unique()));
    const orderId = (created.data as { serviceOrderId: string }).serviceOrderId;
    expect((await deliver(created)).body).toEqual({ result: 'ignored', reason: 'installation awaits its technical visit' });
    expect(await requestedMessages(db, orderId)).toEqual([]);
    expect((await deliver(await unblock(orderId))).body).toMatchObject({ result: 'applied' });
    expect((await requestedMessages(db, orderId)).map((m) => m.variables)).toEqual([
      { orderId, country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' },
    ]);
  });

  it('when the technical visit cancelled the installation, then nothing is requested', async () => {
    const created = await intake(salesOrderCreated.type, kitchen(unique()));
    const orderId = (created.data as { serviceOrderId: string }).serviceOrderId;
    await db.query(`UPDATE orders.service_orders SET installation_status = 'cancelled' WHERE id = $1`, [orderId]);
    expect((await deliver(created)).body).toEqual({ result: 'ignored', reason: 'installation cancelled by its technical visit' });
    expect(await requestedMessages(db, orderId)).toEqual([]);
  });

  it('when an order is cancelled, then dispatch-order-closed (closure cancelled) is requested once; other updates request nothing more', async () => {
    const sale = door(unique());
    const created = await intake(salesOrderCreated.type, sale);
    const orderId = (created.data as { serviceOrderId: string }).serviceOrderId;
    await deliver(created);
    const updated = await intake(salesOrderUpdated.type, nextVersion(sale, 2, { wished_date: '2026-12-12' }));
    expect((await deliver(updated)).body).toEqual({ result: 'ignored', reason: 'dispatch already requested' });

    const cancelled = await intake(salesOrderUpdated.type, nextVersion(sale, 3, { state: 'void' }));
    expect((await deliver(cancelled)).body).toMatchObject({ result: 'applied', detail: { closure: 'cancelled' } });
    // The same cancellation replayed (a new event id): nothing more is requested.
    expect((await deliver(cancelled.cloneWith({ id: randomUUID() }))).body).toEqual({ result: 'ignored', reason: 'service order cancelled' });
    expect(await requestedMessages(db, orderId)).toEqual([
      expect.objectContaining({ name: 'dispatch-requested' }),
      { name: 'dispatch-order-closed', correlationKey: orderId, messageId: `order-closed:${orderId}`, variables: { closure: 'cancelled' } },
    ]);
  });

  it('when the order is not in the database yet, or older than the event, then 503 (retried later) and nothing is recorded', async () => {
    const sale = door(unique());
    const created = await intake(salesOrderCreated.type, sale);
    const data = created.data as { serviceOrderId: string; revision: number };
    const unknown = created.cloneWith({ id: randomUUID(), data: { ...data, serviceOrderId: randomUUID() } });
    expect(await deliver(unknown)).toMatchObject({ status: 503, body: { reason: expect.stringContaining('is not known yet') as unknown } });
    const ahead = created.cloneWith({ id: randomUUID(), data: { ...data, revision: 2 } });
    expect(await deliver(ahead)).toMatchObject({
      status: 503,
      body: { reason: `service order ${data.serviceOrderId} is at revision 1, older than the event's 2` },
    });
    const { rows } = await db.query('SELECT 1 FROM platform.inbox WHERE consumer = $1 AND event_id = ANY($2)', ['dispatch-start', [unknown.id, ahead.id]]);
    expect(rows).toEqual([]);
    expect(await requestedMessages(db, data.serviceOrderId)).toEqual([]);
    // Once the state has caught up, the redelivery is applied.
    await intake(salesOrderUpdated.type, nextVersion(sale, 2, { wished_date: '2026-12-12' }));
    expect((await deliver(ahead)).body).toMatchObject({ result: 'applied' });
  });

  it("decides from the order's state alone", () => {
    const order = { status: 'CREATED', installationStatus: 'ready', funnelRequested: false, funnelClosed: false } as const;
    expect(decide(order)).toEqual({ action: 'start' });
    expect(decide({ ...order, funnelRequested: true })).toEqual({ action: 'none', reason: 'dispatch already requested' });
    expect(decide({ ...order, installationStatus: 'awaiting-tv' })).toEqual({ action: 'none', reason: 'installation awaits its technical visit' });
    expect(decide({ ...order, status: 'CANCELLED' })).toEqual({ action: 'close' });
    expect(decide({ ...order, status: 'CANCELLED', funnelRequested: true })).toEqual({ action: 'close' });
    expect(decide({ ...order, status: 'CANCELLED', funnelClosed: true })).toEqual({ action: 'none', reason: 'service order cancelled' });
    expect(decide({ ...order, funnelClosed: true })).toEqual({ action: 'none', reason: 'dispatch closed' });
  });

  describe("arrival order: created, updated and unblocked travel on three topics, so one order's events arrive in any order", () => {
    /** One step of the order's life in production, in order: it changes the order and yields the event that announces it. */
    type Step = (suffix: string, orderId: () => Promise<string>) => Promise<CloudEvent<unknown>>;
    /** A delivery of the event of step `step`: once more under the same id (a redelivery) or a new one (a replay). */
    interface Delivery {
      label: string;
      step: number;
      again?: 'same-id' | 'new-id';
    }

    /** Where the order's funnel ends, from the messages requested: live or not, the last message, the live funnel's variables. */
    function funnelEnd(requested: PublishedMessage[], orderId: string, name: string) {
      const names = requested.map((m) => m.name);
      const starts = names.filter((n) => n === 'dispatch-requested').length;
      expect(starts, `${name}: one funnel at most`).toBeLessThanOrEqual(1);
      const closedAt = names.indexOf('dispatch-order-closed');
      expect(closedAt === -1 || !names.slice(closedAt).includes('dispatch-requested'), `${name}: no start after the closure`).toBe(true);
      expect(names.filter((n) => n === 'dispatch-order-closed').length, `${name}: one closure at most`).toBeLessThanOrEqual(1);
      const start = requested.find((m) => m.name === 'dispatch-requested');
      return JSON.parse(
        JSON.stringify({
          live: starts === 1 && closedAt === -1,
          last: names.at(-1) ?? null,
          startVariables: starts === 1 && closedAt === -1 ? start?.variables : null,
        }).replaceAll(orderId, '<order>'),
      ) as unknown;
    }

    /**
     * Delivers the events of `steps` in every order of `deliveries`, each on a new sale. `produce`:
     * `on-demand` runs production only as far as the event delivered needs (in the published order
     * this is live delivery, each event right after its change); `first` runs it all before any
     * delivery (a replay). Every end equals that of live, in-order delivery.
     */
    async function deliverEveryOrder(sale: (suffix: string) => Sale, steps: Step[], deliveries: Delivery[]) {
      let inOrder: unknown;
      for (const produce of ['on-demand', 'first'] as const) {
        for (const order of permutations(deliveries)) {
          const name = `${produce}: ${arrivalName(order)}`;
          const suffix = unique();
          const idOf = () => orderIdOf(sale(suffix));
          const produced: CloudEvent<unknown>[] = [];
          const advanceTo = async (step: number) => {
            while (produced.length <= step) produced.push(await steps[produced.length]!(suffix, idOf));
          };
          if (produce === 'first') await advanceTo(steps.length - 1);
          for (const d of order) {
            await advanceTo(d.step);
            const event = produced[d.step]!;
            const answer = await deliver(d.again === 'new-id' ? event.cloneWith({ id: randomUUID() }) : event);
            expect(answer.status, `${name}: ${d.label}`).toBe(200);
          }
          const id = await idOf();
          const end = funnelEnd(await requestedMessages(db, id), id, name);
          inOrder ??= end; // live delivery in the published order comes first
          expect(end, name).toEqual(inOrder);
        }
      }
      return inOrder;
    }

    const doorCreated: Step = (s) => intake(salesOrderCreated.type, door(s));
    const doorUpdated: Step = (s) => intake(salesOrderUpdated.type, nextVersion(door(s), 2, { wished_date: '2026-12-12' }));
    const doorVoided: Step = (s) => intake(salesOrderUpdated.type, nextVersion(door(s), 3, { state: 'void' }));
    const kitchenCreated: Step = (s) => intake(salesOrderCreated.type, kitchen(s));
    const kitchenUnblocked: Step = async (_s, id) => unblock(await id());
    const kitchenUpdated: Step = (s) => intake(salesOrderUpdated.type, pyxis('pyxis-updated', s));
    const kitchenCancel: Step = (s) => intake(salesOrderUpdated.type, kitchenCancelled(s));

    it('when an order that needs no TV is created, updated and cancelled, and its creation replayed, in every order, then its funnel ends closed and none is left live', async () => {
      const end = await deliverEveryOrder(
        door,
        [doorCreated, doorUpdated, doorVoided],
        [
          { label: 'created', step: 0 },
          { label: 'updated', step: 1 },
          { label: 'cancelled', step: 2 },
          { label: 'created replayed', step: 0, again: 'new-id' },
        ],
      );
      expect(end).toEqual({ live: false, last: 'dispatch-order-closed', startVariables: null });
    }, 120_000);

    it('when an order that needs no TV is created and updated, and its update redelivered, in every order, then one funnel is started, with its scope', async () => {
      const end = await deliverEveryOrder(
        door,
        [doorCreated, doorUpdated],
        [
          { label: 'created', step: 0 },
          { label: 'updated', step: 1 },
          { label: 'updated redelivered', step: 1, again: 'same-id' },
        ],
      );
      expect(end).toEqual({
        live: true,
        last: 'dispatch-requested',
        startVariables: { orderId: '<order>', country: 'PL', businessUnit: 'PL-MAZOWIECKIE', store: 'PL-WAW-0021' },
      });
    }, 120_000);

    it('when an order with a TV is created, unblocked and cancelled, and its unblocking redelivered, in every order, then no funnel is left live and its closure is requested', async () => {
      const end = await deliverEveryOrder(
        kitchen,
        [kitchenCreated, kitchenUnblocked, kitchenCancel],
        [
          { label: 'created', step: 0 },
          { label: 'unblocked', step: 1 },
          { label: 'cancelled', step: 2 },
          { label: 'unblocked redelivered', step: 1, again: 'same-id' },
        ],
      );
      expect(end).toEqual({ live: false, last: 'dispatch-order-closed', startVariables: null });
    }, 120_000);

    it('when an order with a TV is created, unblocked and updated, and its unblocking replayed, in every order, then one funnel is started, with its scope', async () => {
      const end = await deliverEveryOrder(
        kitchen,
        [kitchenCreated, kitchenUnblocked, kitchenUpdated],
        [
          { label: 'created', step: 0 },
          { label: 'unblocked', step: 1 },
          { label: 'updated', step: 2 },
          { label: 'unblocked replayed', step: 1, again: 'new-id' },
        ],
      );
      expect(end).toEqual({
        live: true,
        last: 'dispatch-requested',
        startVariables: { orderId: '<order>', country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' },
      });
    }, 120_000);
  });
});
