import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/eventually';
import { useFunnel } from './testing-funnel';

const f = await useFunnel();
const { db, clock, world, unblocked, answer, withdraw, closeOrder, ended, announced, offers, assignment, frOrder, frProvider, frOrderWithParallelOffers } = f;

/** The SMS asked for the providers of an order, of one template. */
const toProviders = async (orderId: string, templateId: string) =>
  (await announced(orderId, 'ahs.notify.partner-message.requested'))
    .filter((m) => m.templateId === templateId)
    .map((m) => ({ recipient: m.recipient, locale: m.locale, parameters: m.parameters }));

describe('the dispatch funnel (bpmn/assignment.bpmn) on the embedded engine: closing it', () => {
  it('when the order is cancelled while its offer is open, then the offer is withdrawn, the provider told, and the funnel ends', async () => {
    const order = await frOrder();
    const provider = await frProvider(order.postal, 0.9);
    await unblocked(order.id);
    const [offer] = await offers(order.id, 1);
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    await closeOrder(order.id, 'cancelled');
    expect(await ended(order.id)).toBe('COMPLETED');
    expect((await offers(order.id, 1)).map((o) => o.status)).toEqual(['withdrawn']);
    expect(await announced(order.id, 'ahs.dispatch.offer.withdrawn')).toEqual([
      { offerId: offer!.id, serviceOrderId: order.id, providerId: provider.id, reason: 'order-cancelled', withdrawnAt: expect.any(String) as string },
    ]);
    expect(await toProviders(order.id, 'dispatch.offer-withdrawn')).toEqual([
      {
        recipient: { kind: 'provider', providerId: provider.id, technicianId: null },
        locale: 'fr',
        parameters: { offerId: offer!.id, reason: 'order-cancelled' },
      },
    ]);
    const {
      rows: [run],
    } = await db.query('SELECT status FROM dispatch.dispatches WHERE service_order_id = $1', [order.id]);
    expect(run).toEqual({ status: 'cancelled' });
  });

  it('when the order is cancelled once assigned, then the assignment and its booked appointment are cancelled and the funnel ends', async () => {
    const order = await world.order();
    const provider = await world.provider(order.postal, { quality: 0.9 });
    await unblocked(order.id);
    const live = await assignment(order.id, provider.id);
    const starts = new Date(Date.now() + 86_400_000);
    await db.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status)
       SELECT gen_random_uuid(), $1, $2, t.id, $3, $4, 'booked' FROM dispatch.technicians t WHERE t.provider_id = $5 LIMIT 1`,
      [order.id, live.id, starts, new Date(starts.getTime() + 3_600_000), provider.id],
    );
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    await closeOrder(order.id, 'cancelled');
    expect(await ended(order.id)).toBe('COMPLETED');
    const {
      rows: [cancelled],
    } = await db.query('SELECT status, cancel_reason FROM dispatch.assignments WHERE id = $1', [live.id]);
    expect(cancelled).toEqual({ status: 'cancelled', cancel_reason: 'order-cancelled' });
    const { rows: appointments } = await db.query('SELECT status FROM field.appointments WHERE assignment_id = $1', [live.id]);
    expect(appointments).toEqual([{ status: 'cancelled' }]);
    expect(await announced(order.id, 'ahs.dispatch.assignment.cancelled')).toEqual([
      expect.objectContaining({ assignmentId: live.id, providerId: provider.id, reason: 'order-cancelled' }),
    ]);
    // The customer's reminder of the cancelled appointment is withdrawn.
    expect(await announced(order.id, 'ahs.notify.scheduled-message.cancelled')).toEqual([
      { collapseKey: `appointment-reminder:${order.id}`, serviceOrderId: order.id, reason: 'order-cancelled' },
    ]);
  });

  it('when the order is worked (checked out), then the assignment is completed and the funnel ends; a late withdrawal changes nothing', async () => {
    const order = await world.order();
    const provider = await world.provider(order.postal, { quality: 0.9 });
    await unblocked(order.id);
    const live = await assignment(order.id, provider.id);
    await closeOrder(order.id, 'worked');
    expect(await ended(order.id)).toBe('COMPLETED');
    const {
      rows: [completed],
    } = await db.query<{ status: string; completed_at: Date | null }>('SELECT status, completed_at FROM dispatch.assignments WHERE id = $1', [live.id]);
    expect(completed).toMatchObject({ status: 'completed', completed_at: expect.any(Date) as Date });
    expect(await announced(order.id, 'ahs.dispatch.assignment.completed')).toEqual([
      { assignmentId: live.id, serviceOrderId: order.id, providerId: provider.id, completedAt: expect.any(String) as string },
    ]);
    await withdraw(order.id, live.id);
    await f.engine.idle();
    const { rows } = await db.query('SELECT status FROM dispatch.assignments WHERE service_order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'completed' }]);
  });

  it('when parallel offers go out and one is accepted, then the others are superseded and their providers told', async () => {
    await frOrderWithParallelOffers(async (order, a, b) => {
      await unblocked(order.id);
      const sent = await offers(order.id, 2);
      const offerOfA = sent.find((o) => o.provider_id === a.id)!;
      const offerOfB = sent.find((o) => o.provider_id === b.id)!;
      await answer(order.id, offerOfA.id, 'accepted');
      expect(await assignment(order.id)).toMatchObject({ provider_id: a.id });
      expect(await announced(order.id, 'ahs.dispatch.offer.withdrawn')).toEqual([
        expect.objectContaining({ offerId: offerOfB.id, providerId: b.id, reason: 'superseded' }),
      ]);
      // B's desk is told by SMS; A, who got the job, is told it is theirs, not that anything was withdrawn.
      expect(await toProviders(order.id, 'dispatch.offer-withdrawn')).toEqual([
        expect.objectContaining({
          recipient: expect.objectContaining({ providerId: b.id }) as unknown,
          parameters: { offerId: offerOfB.id, reason: 'superseded' },
        }),
      ]);
    });
  });

  it('when the order is cancelled while an operator is to dispatch it by hand, then the operator task is withdrawn and the funnel ends', async () => {
    const order = await frOrder();
    await frProvider(order.postal, 0.9);
    await unblocked(order.id);
    await offers(order.id, 1);
    clock.pin(clock.now() + 3_601_000);
    const taskState = async () => {
      await f.engine.idle();
      const { rows } = await db.query<{ state: string }>(
        `SELECT t.state FROM engine.user_tasks t JOIN engine.instances i USING (process_instance_key) WHERE i.correlation_key = $1`,
        [order.id],
      );
      return rows.map((r) => r.state);
    };
    await eventually(async () => ((await taskState()).includes('CREATED') ? true : undefined), 10_000, 25);
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    await closeOrder(order.id, 'cancelled');
    expect(await ended(order.id)).toBe('COMPLETED');
    expect(await taskState()).toEqual(['CANCELED']);
    const { rows } = await db.query('SELECT status FROM dispatch.dispatches WHERE service_order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'cancelled' }]);
  });

  it('when a step finds the order cancelled before any closure message, then the funnel still closes it: open offers withdrawn, run cancelled', async () => {
    await frOrderWithParallelOffers(async (order, a, b) => {
      await unblocked(order.id);
      const sent = await offers(order.id, 2);
      await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
      // A's decline sends the funnel back to offering, which finds the order cancelled (ORDER_NOT_ACTIVE).
      await answer(order.id, sent.find((o) => o.provider_id === a.id)!.id, 'declined');
      expect(await ended(order.id)).toBe('COMPLETED');
      const offerOfB = sent.find((o) => o.provider_id === b.id)!;
      expect((await offers(order.id, 2)).find((o) => o.id === offerOfB.id)?.status).toBe('withdrawn');
      expect(await announced(order.id, 'ahs.dispatch.offer.withdrawn')).toEqual([expect.objectContaining({ offerId: offerOfB.id, reason: 'order-cancelled' })]);
      const { rows } = await db.query('SELECT status FROM dispatch.dispatches WHERE service_order_id = $1', [order.id]);
      expect(rows).toEqual([{ status: 'cancelled' }]);
    });
  });
});
