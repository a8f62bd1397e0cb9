import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { salesOrderCreated, salesOrderUpdated } from '../../events';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { unique, useTestDb } from '../../test/support/db';
import { memoryLogger } from '../../test/support/logger';
import { pyxis, tempo } from '../../test/fixtures/sales';
import { arrivalName, permutations } from '../../test/support/arrival-orders';
import { orderIntakeFunction } from './function';

const db = useTestDb();
const url = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));

const sale = (type: string, data: unknown, id = randomUUID()) => cloudEvent({ type, source: '/sales/test', id, data });

async function orderOf(system: string, salesOrderId: string) {
  const { rows } = await db.query('SELECT * FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2', [system, salesOrderId]);
  return rows;
}

async function outboxFor(orderId: string) {
  const { rows } = await db.query<{ type: string; partition_key: string; data: Record<string, unknown> }>(
    'SELECT type, partition_key, data FROM platform.outbox WHERE partition_key = $1 ORDER BY id',
    [orderId],
  );
  return rows;
}

describe('order-intake', () => {
  it('when a Pyxis sale arrives, then one service order is created with mapped products and a created event', async () => {
    const message = pyxis('pyxis-created', unique());
    const answer = await postEvent(url, sale(salesOrderCreated.type, message));
    expect(answer).toMatchObject({ status: 200, body: { result: 'applied' } });

    const [order] = await orderOf('PYXIS', message.order.orderNumber);
    expect(order).toMatchObject({ status: 'CREATED', sales_channel: 'IN_STORE', country_code: 'ES', revision: 1, technical_visit_required: true });
    expect(order.sales_order_metadata).toMatchObject({ messageId: message.header.messageId, sellerId: 'V-10442' });
    expect(order.contact_deadline.toISOString()).toBe('2026-11-30T10:12:41.000Z'); // IN_STORE: 48 h
    const { rows: lines } = await db.query(
      'SELECT line_no, service_product_code, unit_price_minor FROM orders.service_order_lines WHERE service_order_id = $1 ORDER BY line_no',
      [order.id],
    );
    expect(lines).toEqual([
      { line_no: 1, service_product_code: 'KITCHEN_INSTALL_STD', unit_price_minor: '129000' },
      { line_no: 2, service_product_code: 'WORKTOP_INSTALL', unit_price_minor: '24000' },
    ]);
    const events = await outboxFor(order.id);
    expect(events.map((e) => e.type)).toEqual(['ahs.orders.service-order.created']);
    expect(events[0]?.data).toMatchObject({ serviceOrderId: order.id, salesSystem: 'PYXIS', skills: ['ELECTRICAL_BASIC', 'KITCHEN', 'PLUMBING_BASIC'] });
  });

  it('when the same event is delivered twice, then the second delivery is a duplicate and changes nothing', async () => {
    const message = pyxis('pyxis-created', unique());
    const event = sale(salesOrderCreated.type, message);
    expect((await postEvent(url, event)).body).toMatchObject({ result: 'applied' });
    expect((await postEvent(url, event)).body).toMatchObject({ result: 'duplicate' });
    const orders = await orderOf('PYXIS', message.order.orderNumber);
    expect(orders).toHaveLength(1);
    expect(await outboxFor(orders[0].id)).toHaveLength(1);
  });

  it('when the sales system replays the same sale under a new message id, then it is ignored', async () => {
    const message = pyxis('pyxis-created', unique());
    await postEvent(url, sale(salesOrderCreated.type, message));
    const replay = await postEvent(url, sale(salesOrderCreated.type, message));
    expect(replay.body).toMatchObject({ result: 'ignored' });
    expect(await orderOf('PYXIS', message.order.orderNumber)).toHaveLength(1);
  });

  it('when a newer revision arrives, then it is applied; when an older one arrives after it, then it is ignored', async () => {
    const suffix = unique();
    const created = pyxis('pyxis-created', suffix);
    const updated = pyxis('pyxis-updated', suffix);
    await postEvent(url, sale(salesOrderCreated.type, created));
    expect((await postEvent(url, sale(salesOrderUpdated.type, updated))).body).toMatchObject({ result: 'applied' });
    const [order] = await orderOf('PYXIS', created.order.orderNumber);
    expect(order.revision).toBe(2);
    expect(order.requested_from.toISOString().slice(0, 10)).toBe('2027-01-11');
    const {
      rows: [customer],
    } = await db.query('SELECT phone FROM orders.customers WHERE id = $1', [order.customer_id]);
    expect(customer.phone).toBe('+34699111222');

    const stale = await postEvent(url, sale(salesOrderCreated.type, created));
    expect(stale.body).toMatchObject({ result: 'ignored', reason: 'revision 1 is not newer than stored revision 2' });
    const events = await outboxFor(order.id);
    expect(events.map((e) => e.type)).toEqual(['ahs.orders.service-order.created', 'ahs.orders.service-order.updated']);
    expect(events[1]?.data).toMatchObject({ revision: 2, previousRevision: 1 });
  });

  it('when an update cancels the sale, then the order is cancelled', async () => {
    const suffix = unique();
    await postEvent(url, sale(salesOrderCreated.type, pyxis('pyxis-created', suffix)));
    const cancel = pyxis('pyxis-updated', suffix);
    cancel.order.status = 'CANCELLED';
    await postEvent(url, sale(salesOrderUpdated.type, cancel));
    const [order] = await orderOf('PYXIS', cancel.order.orderNumber);
    expect(order.status).toBe('CANCELLED');
  });

  it('when a Tempo sale arrives, then its own shape is mapped: minor units, channel, SLA', async () => {
    const message = tempo('tempo-created', unique());
    expect((await postEvent(url, sale(salesOrderCreated.type, message))).status).toBe(200);
    const [order] = await orderOf('TEMPO', message.sale.sale_ref);
    expect(order).toMatchObject({ sales_channel: 'ONLINE', country_code: 'IT', technical_visit_required: true });
    expect(order.contact_deadline.toISOString()).toBe('2026-11-28T04:00:00.000Z'); // ONLINE: 4 h
    const { rows } = await db.query(
      'SELECT service_product_code, unit_price_minor, currency FROM orders.service_order_lines WHERE service_order_id = $1 ORDER BY line_no',
      [order.id],
    );
    expect(rows).toEqual([
      { service_product_code: 'BOILER_REPLACEMENT', unit_price_minor: '89000', currency: 'EUR' },
      { service_product_code: 'FLUE_KIT', unit_price_minor: '12000', currency: 'EUR' },
    ]);
  });

  it('when Tempo voids a sale in its next version, then the order is cancelled and an updated event says so', async () => {
    const created = tempo('tempo-created-pl', unique());
    await postEvent(url, sale(salesOrderCreated.type, created));
    const voided = structuredClone(created);
    Object.assign(voided, { event_id: `${created.event_id}-v2`, event_kind: 'sale.updated' });
    Object.assign(voided.sale, { version: 2, state: 'void' });
    expect((await postEvent(url, sale(salesOrderUpdated.type, voided))).body).toMatchObject({ result: 'applied' });
    const [order] = await orderOf('TEMPO', created.sale.sale_ref);
    expect(order).toMatchObject({ status: 'CANCELLED', revision: 2, country_code: 'PL', sales_channel: 'PHONE', technical_visit_required: false });
    const events = await outboxFor(order.id);
    expect(events.map((e) => e.type)).toEqual(['ahs.orders.service-order.created', 'ahs.orders.service-order.updated']);
    expect(events[1]?.data).toMatchObject({ status: 'CANCELLED', revision: 2, previousRevision: 1 });
  });

  it('when a phone order and a store order share customer and address, then they are linked both ways', async () => {
    const suffix = unique();
    await postEvent(url, sale(salesOrderCreated.type, pyxis('pyxis-created-fr-store', suffix)));
    await postEvent(url, sale(salesOrderCreated.type, pyxis('pyxis-created-fr-phone', suffix)));
    const [store] = await orderOf('PYXIS', `FR-0318-221045-${suffix}`);
    const [phone] = await orderOf('PYXIS', `FR-0318-229310-${suffix}`);
    expect(phone.sales_channel).toBe('PHONE');
    const { rows } = await db.query(
      'SELECT service_order_id, linked_service_order_id, reason FROM orders.service_order_links WHERE service_order_id = ANY($1) ORDER BY service_order_id = $2 DESC',
      [[store.id, phone.id], store.id],
    );
    expect(rows).toEqual([
      { service_order_id: store.id, linked_service_order_id: phone.id, reason: 'same-contact-same-address' },
      { service_order_id: phone.id, linked_service_order_id: store.id, reason: 'same-contact-same-address' },
    ]);
    const created = (await outboxFor(phone.id)).find((e) => e.type === 'ahs.orders.service-order.created');
    expect(created?.data.linkedServiceOrderIds).toEqual([store.id]);
  });

  it('when orders share an address but not the person, then they are not linked', async () => {
    const suffix = unique();
    await postEvent(url, sale(salesOrderCreated.type, pyxis('pyxis-created-fr-store', suffix)));
    const other = pyxis('pyxis-created-fr-phone', suffix);
    Object.assign(other.order.customer, { firstName: 'Paul', lastName: 'Durand', phone: '+33700000000', email: 'p.durand@example.fr' });
    await postEvent(url, sale(salesOrderCreated.type, other));
    const [order] = await orderOf('PYXIS', other.order.orderNumber);
    const { rows } = await db.query('SELECT 1 FROM orders.service_order_links WHERE service_order_id = $1', [order.id]);
    expect(rows).toHaveLength(0);
  });

  describe("arrival order: created and updated travel on two topics, so a sale's messages arrive in any order", () => {
    interface Delivery {
      label: string;
      type: string;
      id: ReturnType<typeof randomUUID>;
      message: unknown;
    }

    /** One sale's messages as the sales system published them, in order; `suffix` makes the sale this run's own. */
    function pyxisHistory(suffix: string): Delivery[] {
      const created = pyxis('pyxis-created', suffix);
      const updated = pyxis('pyxis-updated', suffix);
      const cancelled = pyxis('pyxis-updated', suffix);
      Object.assign(cancelled.header, { messageId: `${cancelled.header.messageId}-CANCEL` });
      Object.assign(cancelled.order, { revision: 3, status: 'CANCELLED' });
      const c = { label: 'created r1', type: salesOrderCreated.type, id: randomUUID(), message: created };
      const u = { label: 'updated r2', type: salesOrderUpdated.type, id: randomUUID(), message: updated };
      return [
        c,
        u,
        { label: 'cancelled r3', type: salesOrderUpdated.type, id: randomUUID(), message: cancelled },
        // the sales system replays the creation (new message id); the KafkaSource redelivers the update (same event id)
        { ...c, label: 'created r1 replayed', id: randomUUID() },
        { ...u, label: 'updated r2 redelivered' },
      ];
    }

    function tempoHistory(suffix: string): Delivery[] {
      const created = tempo('tempo-created-pl', suffix);
      const voided = structuredClone(created);
      Object.assign(voided, { event_id: `${created.event_id}-v2`, event_kind: 'sale.updated' });
      Object.assign(voided.sale, { version: 2, state: 'void', wished_date: '2026-12-12' });
      const c = { label: 'created v1', type: salesOrderCreated.type, id: randomUUID(), message: created };
      return [c, { label: 'voided v2', type: salesOrderUpdated.type, id: randomUUID(), message: voided }, { ...c, label: 'created v1 redelivered' }];
    }

    /** Every id of one run replaced by a placeholder, so runs on different sales compare equal. */
    function normalized(value: unknown, ids: Record<string, string>): unknown {
      let text = JSON.stringify(value);
      for (const [id, placeholder] of Object.entries(ids)) text = text.replaceAll(id, placeholder).replaceAll(id.toLowerCase(), placeholder);
      return JSON.parse(text);
    }

    /** The order, its lines and customer, and the service-order events announced, as another run would see them. */
    async function endState(system: string, salesOrderId: string, suffix: string) {
      const orders = await orderOf(system, salesOrderId);
      expect(orders).toHaveLength(1);
      const { id, customer_id: customerId, created_at: _c, updated_at: _u, ...order } = orders[0];
      const { rows: lines } = await db.query(
        `SELECT line_no, service_product_code, sales_product_code, description, quantity, unit_price_minor, currency
           FROM orders.service_order_lines WHERE service_order_id = $1 ORDER BY line_no`,
        [id],
      );
      const {
        rows: [customer],
      } = await db.query(
        `SELECT full_name, phone, email, language, street, postal_code, city, latitude, longitude, contact_keys, address_key
           FROM orders.customers WHERE id = $1`,
        [customerId],
      );
      const events = await outboxFor(id as string);
      return {
        state: normalized({ order, lines, customer }, { [id as string]: '<order>', [customerId as string]: '<customer>', [suffix]: '<sale>' }),
        events: normalized(events, { [id as string]: '<order>', [customerId as string]: '<customer>', [suffix]: '<sale>' }) as typeof events,
      };
    }

    /** The announced history is one created event, then updates of strictly increasing revisions, each naming the one it replaced. */
    function expectCoherentHistory(events: { type: string; data: Record<string, unknown> }[], order: string) {
      expect(events.map((e) => e.type).slice(0, 1), order).toEqual(['ahs.orders.service-order.created']);
      expect(
        events.slice(1).every((e) => e.type === 'ahs.orders.service-order.updated'),
        order,
      ).toBe(true);
      events.slice(1).forEach((e, i) => {
        expect(e.data.previousRevision, order).toBe(events[i]!.data.revision);
        expect(e.data.revision as number, order).toBeGreaterThan(events[i]!.data.revision as number);
      });
    }

    const latest = (events: { data: Record<string, unknown> }[]) => {
      const { previousRevision: _p, ...snapshot } = events.at(-1)!.data;
      return snapshot;
    };

    async function deliverEveryOrder(history: (suffix: string) => Delivery[], system: string, saleRef: (m: Delivery['message']) => string) {
      let inOrder: Awaited<ReturnType<typeof endState>> | undefined;
      for (const order of permutations(history('')).map((p) => p.map((d) => d.label))) {
        const suffix = unique();
        const byLabel = new Map(history(suffix).map((d) => [d.label, d]));
        const deliveries = order.map((label) => byLabel.get(label)!);
        for (const d of deliveries) {
          const answer = await postEvent(url, sale(d.type, d.message, d.id));
          expect(answer.status, `${arrivalName(deliveries)}: ${d.label}`).toBe(200);
        }
        const end = await endState(system, saleRef(deliveries[0]!.message), suffix);
        expectCoherentHistory(end.events, arrivalName(deliveries));
        inOrder ??= end; // permutations() gives the published order first
        expect(end.state, arrivalName(deliveries)).toEqual(inOrder.state);
        expect(latest(end.events), arrivalName(deliveries)).toEqual(latest(inOrder.events));
      }
      return inOrder!;
    }

    it("when a Pyxis sale's creation, update, cancellation, a replay and a redelivery arrive in every order, then the order, its lines, its customer and its latest announced revision are those of in-order delivery", async () => {
      const inOrder = await deliverEveryOrder(pyxisHistory, 'PYXIS', (m) => (m as ReturnType<typeof pyxis>).order.orderNumber);
      expect(inOrder.state).toMatchObject({
        order: { status: 'CANCELLED', revision: 3, sales_order_id: 'ES-0042-778812-<sale>' },
        customer: { phone: '+34699111222' },
      });
      expect(inOrder.events.map((e) => [e.type, e.data.revision])).toEqual([
        ['ahs.orders.service-order.created', 1],
        ['ahs.orders.service-order.updated', 2],
        ['ahs.orders.service-order.updated', 3],
      ]);
    }, 60_000);

    it("when a Tempo sale's void arrives before its creation, then the order is created voided from it and the late creation is ignored", async () => {
      const inOrder = await deliverEveryOrder(tempoHistory, 'TEMPO', (m) => (m as ReturnType<typeof tempo>).sale.sale_ref);
      expect(inOrder.state).toMatchObject({ order: { status: 'CANCELLED', revision: 2 } });
      const suffix = unique();
      const [created, voided] = tempoHistory(suffix);
      expect((await postEvent(url, sale(voided!.type, voided!.message, voided!.id))).body).toMatchObject({
        result: 'applied',
        detail: { revision: 2, created: true },
      });
      expect((await postEvent(url, sale(created!.type, created!.message, created!.id))).body).toEqual({
        result: 'ignored',
        reason: 'revision 1 is not newer than stored revision 2',
      });
    });

    it("when a sale's creation and update are delivered at the same moment, then both succeed and the order is the update's", async () => {
      const suffix = unique();
      const [created, updated] = pyxisHistory(suffix);
      const answers = await Promise.all([created!, updated!].map((d) => postEvent(url, sale(d.type, d.message, d.id))));
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const { state, events } = await endState('PYXIS', `ES-0042-778812-${suffix}`, suffix);
      expect(state).toMatchObject({ order: { status: 'CREATED', revision: 2 }, customer: { phone: '+34699111222' } });
      expectCoherentHistory(events, 'at the same moment');
    });
  });

  describe('bad input: answered 400 for the dead letter, and nothing is written', () => {
    async function expectNothingWritten(salesOrderId: string, eventId: string) {
      expect(await orderOf('PYXIS', salesOrderId)).toHaveLength(0);
      const { rows } = await db.query('SELECT 1 FROM platform.inbox WHERE event_id = $1', [eventId]);
      expect(rows).toHaveLength(0);
    }

    it('when a product code is unknown, then 400 names the code', async () => {
      const message = pyxis('pyxis-created', unique());
      message.order.lines[1]!.productCode = 'PYX-SRV-NOPE';
      const event = sale(salesOrderCreated.type, message);
      const answer = await postEvent(url, event);
      expect(answer.status).toBe(400);
      expect(answer.body.reason).toBe('unknown PYXIS product code(s): PYX-SRV-NOPE');
      await expectNothingWritten(message.order.orderNumber, event.id);
    });

    it('when the store is unknown, then 400 names the store', async () => {
      const message = pyxis('pyxis-created', unique());
      message.order.storeCode = 'ES-XXX-9999';
      const event = sale(salesOrderCreated.type, message);
      const answer = await postEvent(url, event);
      expect(answer).toMatchObject({ status: 400, body: { reason: 'unknown store code "ES-XXX-9999"' } });
      await expectNothingWritten(message.order.orderNumber, event.id);
    });

    it('when the store does not sell through that sales system, then 400 says so', async () => {
      const message = tempo('tempo-created', unique());
      message.sale.shop = 'ES-MAD-0042';
      const answer = await postEvent(url, sale(salesOrderCreated.type, message));
      expect(answer.status).toBe(400);
      expect(answer.body.reason).toContain('does not sell through TEMPO');
    });

    it('when a required field is missing, then 400 names the field', async () => {
      const message = pyxis('pyxis-created', unique()) as unknown as { order: Record<string, unknown> };
      delete message.order.storeCode;
      const answer = await postEvent(url, sale(salesOrderCreated.type, message));
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'data.order.storeCode' })]));
    });

    it('when a text holds a character Postgres cannot store, then 400 says so (not a retry)', async () => {
      const message = pyxis('pyxis-created', unique());
      message.order.notes = 'Portero\u0000 4B';
      const event = sale(salesOrderCreated.type, message);
      const answer = await postEvent(url, event);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'invalid-value' });
      await expectNothingWritten(message.order.orderNumber, event.id);
    });

    it('when two lines share a line number, then 400 names the line', async () => {
      const message = pyxis('pyxis-created', unique());
      message.order.lines[1]!.lineNo = 1;
      const event = sale(salesOrderCreated.type, message);
      const answer = await postEvent(url, event);
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([{ field: 'data.order.lines.1.lineNo', message: 'duplicate lineNo 1' }]);
      await expectNothingWritten(message.order.orderNumber, event.id);
    });

    it('when the event type is not one it consumes, then 400 names the type', async () => {
      const answer = await postEvent(url, sale('ahs.sales.order.deleted', pyxis('pyxis-created', unique())));
      expect(answer).toMatchObject({ status: 400, body: { reason: 'unsupported event type "ahs.sales.order.deleted" for order-intake' } });
    });

    it('when the body is not a CloudEvent, then 400', async () => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' });
      expect(response.status).toBe(400);
    });
  });

  it('when a KafkaSource delivers a record without ce_ headers, then it is resolved by its topic', async () => {
    const message = pyxis('pyxis-created', unique());
    const event = cloudEvent({
      type: 'dev.knative.kafka.event',
      source: '/apis/v1/namespaces/ahs/kafkasources/order-intake-sales-orders#sales.order.created',
      id: `partition:0/offset:${Date.now()}`,
      data: message,
    });
    expect((await postEvent(url, event)).body).toMatchObject({ result: 'applied' });
    expect(await orderOf('PYXIS', message.order.orderNumber)).toHaveLength(1);
  });
});
