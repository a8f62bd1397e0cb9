import { describe, expect, it } from 'vitest';
import { salesOrderCreated, salesOrderUpdated } from '../../events';
import { cloudEvent, postEvent } from '../../test/support/function-server';
import { unique } from '../../test/support/db';
import { pyxis, tempo } from '../../test/fixtures/sales';
import { sale, startOrderIntake } from './testing';

const { db, url, orderOf, outboxFor } = await startOrderIntake();

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
