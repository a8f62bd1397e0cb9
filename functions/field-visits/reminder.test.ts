import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { withTransaction } from '../../shared/db';
import { cancelLiveAssignment } from '../../shared/domain/assignments';
import { makeOutbox } from '../../shared/outbox';
import { startFieldVisitsHarness } from './testing';

const { db, call, assignedOrder, eventsOf, setNow } = await startFieldVisitsHarness();
afterEach(() => setNow(undefined));

/** A technician of the dev provider of their own, working every day (no other test books their days). */
async function technician(): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO dispatch.technicians (id, provider_id, subject, display_name, working_days, daily_capacity_hours)
     VALUES ($1, $2, $3, 'Reminder test', '{1,2,3,4,5,6,7}', 10)`,
    [id, DEV_PROVIDER_ID, `reminder-${id}`],
  );
  return id;
}

/** An order assigned to a technician of its own (Madrid unless told), booked by the provider admin for `startsAt` (2 h). */
async function booked(startsAt: string, fixture: 'pyxis-created' | 'tempo-created-pl' = 'pyxis-created') {
  const order = await assignedOrder({ fixture, technicianId: await technician() });
  const answer = await book(order.id, startsAt);
  expect(answer.status).toBe(201);
  return order;
}

const book = (orderId: string, startsAt: string) =>
  call('POST', '/appointments', 'provider-admin', {
    serviceOrderId: orderId,
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 2 * 3_600_000).toISOString(),
  });

/** The customer messages of an order asked for later: [templateId, schedule, parameters, locale]. */
const reminders = async (orderId: string) =>
  (await eventsOf(orderId, 'ahs.notify.message.requested')).filter((e) => e.data.schedule !== undefined).map((e) => e.data);

describe('field-visits: the appointment reminder, the evening before', () => {
  it('when a Madrid visit is booked, then a reminder is scheduled for 18:00 Madrid time the day before, collapsed per order', async () => {
    const order = await booked('2031-06-11T07:00:00Z'); // Wednesday 09:00 CEST
    expect(await reminders(order.id)).toEqual([
      expect.objectContaining({
        templateId: 'field.appointment-reminder',
        locale: 'es',
        recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
        schedule: { sendAt: '2031-06-10T16:00:00.000Z', collapseKey: `appointment-reminder:${order.id}` },
        parameters: {
          orderReference: expect.any(String) as string,
          startsAt: '2031-06-11T07:00:00.000Z',
          endsAt: '2031-06-11T09:00:00.000Z',
          timeZone: 'Europe/Madrid',
        },
      }),
    ]);
    // The booking confirmation still goes at once, first.
    const [confirmation] = await eventsOf(order.id, 'ahs.notify.message.requested');
    expect(confirmation?.data).toMatchObject({ templateId: 'field.appointment-booked' });
    expect(confirmation?.data).not.toHaveProperty('schedule');
  });

  it('when a Warsaw visit is booked in winter, then the reminder is for 18:00 Warsaw time (CET) the day before, in Polish', async () => {
    const order = await booked('2031-01-15T07:00:00Z', 'tempo-created-pl'); // Wednesday 08:00 CET
    expect(await reminders(order.id)).toEqual([
      expect.objectContaining({
        locale: 'pl',
        schedule: { sendAt: '2031-01-14T17:00:00.000Z', collapseKey: `appointment-reminder:${order.id}` },
        parameters: expect.objectContaining({ timeZone: 'Europe/Warsaw' }) as unknown,
      }),
    ]);
  });

  it('when the clocks change between the reminder and the visit, then the reminder is still at 18:00 local time of its own day', async () => {
    // Sunday 30 March 2031 10:00 CEST (summer time from 02:00): the Saturday before is still CET.
    const spring = await booked('2031-03-30T08:00:00Z');
    expect((await reminders(spring.id)).map((r) => r.schedule)).toEqual([expect.objectContaining({ sendAt: '2031-03-29T17:00:00.000Z' })]);
    // Sunday 26 October 2031 10:00 CET (winter time from 03:00): the Saturday before is still CEST.
    const autumn = await booked('2031-10-26T09:00:00Z', 'tempo-created-pl');
    expect((await reminders(autumn.id)).map((r) => r.schedule)).toEqual([expect.objectContaining({ sendAt: '2031-10-25T16:00:00.000Z' })]);
  });

  it('when the visit is tomorrow morning (its reminder time has passed), then no reminder, only the confirmation', async () => {
    setNow(new Date('2031-06-10T18:30:00Z')); // Tuesday 20:30 in Madrid
    const order = await booked('2031-06-11T06:00:00Z'); // Wednesday 08:00
    expect(await reminders(order.id)).toEqual([]);
    expect((await eventsOf(order.id, 'ahs.notify.message.requested')).map((e) => e.data.templateId)).toEqual(['field.appointment-booked']);
  });

  it('when the appointment moves (booked again for another day), then a new reminder replaces the first through the same collapse key', async () => {
    const order = await booked('2031-06-11T07:00:00Z');
    // Today an appointment is moved by cancelling it and booking the new slot.
    await db.query(`UPDATE field.appointments SET status = 'cancelled' WHERE service_order_id = $1`, [order.id]);
    expect((await book(order.id, '2031-06-13T12:00:00Z')).status).toBe(201);
    expect((await reminders(order.id)).map((r) => r.schedule)).toEqual([
      { sendAt: '2031-06-10T16:00:00.000Z', collapseKey: `appointment-reminder:${order.id}` },
      { sendAt: '2031-06-12T16:00:00.000Z', collapseKey: `appointment-reminder:${order.id}` },
    ]);
  });

  it('when the assignment is cancelled with its booked appointment, then the reminder is withdrawn (notify.scheduled-message.cancelled)', async () => {
    const order = await booked('2031-06-11T07:00:00Z');
    const cancel = () =>
      withTransaction(db, (tx) =>
        cancelLiveAssignment(tx, makeOutbox(tx, { source: '/functions/dispatch-funnel' }), {
          orderId: order.id,
          reason: 'order-cancelled',
          at: new Date(),
          releaseOrder: false,
        }),
      );
    expect(await cancel()).toMatchObject({ id: order.assignmentId });
    const withdrawn = await eventsOf(order.id, 'ahs.notify.scheduled-message.cancelled');
    expect(withdrawn.map((e) => [e.partition_key, e.data])).toEqual([
      [order.id, { collapseKey: `appointment-reminder:${order.id}`, serviceOrderId: order.id, reason: 'order-cancelled' }],
    ]);
    // Nothing left to cancel: nothing more withdrawn.
    expect(await cancel()).toBeUndefined();
    expect(await eventsOf(order.id, 'ahs.notify.scheduled-message.cancelled')).toHaveLength(1);
  });
});
