import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { salesOrderCreated, salesOrderUpdated } from '../../events';
import { postEvent } from '../../test/support/function-server';
import { unique } from '../../test/support/db';
import { pyxis, tempo } from '../../test/fixtures/sales';
import { arrivalName, permutations } from '../../test/support/arrival-orders';
import { sale, startOrderIntake } from './testing';

const { db, url, orderOf, outboxFor } = await startOrderIntake();

describe('order-intake', () => {
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
});
