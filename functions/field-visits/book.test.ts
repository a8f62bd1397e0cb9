import { describe, expect, it } from 'vitest';
import { at, DEV_PROVIDER_B_ID, startFieldVisitsHarness, TECH_1, TECH_2, uniqueMonday } from './testing';

const { db, call, assignedOrder, eventsOf } = await startFieldVisitsHarness();

const appointmentsOf = async (orderId: string) =>
  (await db.query('SELECT status, starts_at, ends_at, technician_id, booked_by FROM field.appointments WHERE service_order_id = $1', [orderId])).rows;

describe('field-visits POST /appointments', () => {
  it("when the provider admin books a slot within the technician's capacity, then it is booked for the products' duration, announced, and the customer is messaged by reference", async () => {
    const order = await assignedOrder(); // Tempo PL: 3 interior doors × 2 h
    const day = uniqueMonday();
    const answer = await call('POST', '/appointments', 'provider-admin', { serviceOrderId: order.id, startsAt: at(day, 8).toISOString() });
    expect(answer).toMatchObject({
      status: 201,
      body: {
        serviceOrderId: order.id,
        technicianId: TECH_1,
        status: 'booked',
        durationHours: 6,
        durationSource: 'products',
        startsAt: at(day, 8).toISOString(),
        endsAt: at(day, 14).toISOString(),
      },
    });
    expect(await appointmentsOf(order.id)).toEqual([
      { status: 'booked', starts_at: at(day, 8), ends_at: at(day, 14), technician_id: TECH_1, booked_by: 'padmin-0001' },
    ]);
    const booked = await eventsOf(order.id, 'ahs.field.appointment.booked');
    expect(booked).toEqual([
      expect.objectContaining({
        partition_key: order.id,
        data: expect.objectContaining({ appointmentId: answer.body.appointmentId, assignmentId: order.assignmentId }) as unknown,
      }),
    ]);
    const [message] = await eventsOf(order.id, 'ahs.notify.message.requested');
    expect(message?.data).toMatchObject({
      recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
      templateId: 'field.appointment-booked',
      locale: 'pl',
      channel: 'email',
    });
    expect(JSON.stringify([booked, message])).not.toMatch(/Marszałkowska|Kowalska|\+48|example\.pl/);
    const [toTechnician] = await eventsOf(order.id, 'ahs.notify.partner-message.requested');
    expect(toTechnician?.data).toMatchObject({
      recipient: { kind: 'technician', technicianId: TECH_1 },
      templateId: 'field.visit-booked',
      channel: 'sms',
      locale: 'pl',
    });
  });

  it('when the provider books while a re-work round of the order is open, then the customer is told the visit lifts their reserves, with the deadline', async () => {
    const order = await assignedOrder();
    await db.query(`UPDATE dispatch.assignments SET status = 'completed', completed_at = NOW() WHERE id = $1`, [order.assignmentId]);
    await db.query(
      `INSERT INTO wcf.reworks (id, service_order_id, process_instance_key, round, origin, provider_id, deadline, status)
       SELECT gen_random_uuid(), $1, $2, 1, 'reserves', provider_id, '2031-01-31T23:00:00Z', 'open' FROM dispatch.assignments WHERE id = $3`,
      [order.id, `9${Date.now()}`, order.assignmentId],
    );
    const day = uniqueMonday();
    expect((await call('POST', '/appointments', 'provider-admin', { serviceOrderId: order.id, startsAt: at(day, 8).toISOString() })).status).toBe(201);
    const [message] = await eventsOf(order.id, 'ahs.notify.message.requested');
    expect(message?.data).toMatchObject({ templateId: 'wcf.rework-booked', parameters: { deadline: '2031-02-01' } });
  });

  it('when the order was worked once (assignment completed by the check-out), then its next day is booked; a cancelled assignment books nothing', async () => {
    const order = await assignedOrder();
    await db.query(`UPDATE dispatch.assignments SET status = 'completed', completed_at = NOW() WHERE id = $1`, [order.assignmentId]);
    const day = uniqueMonday();
    expect(await call('POST', '/appointments', 'provider-admin', { serviceOrderId: order.id, startsAt: at(day, 8).toISOString() })).toMatchObject({
      status: 201,
    });

    const cancelled = await assignedOrder();
    await db.query(`UPDATE dispatch.assignments SET status = 'cancelled', cancelled_at = NOW() WHERE id = $1`, [cancelled.assignmentId]);
    expect(
      (await call('POST', '/appointments', 'provider-admin', { serviceOrderId: cancelled.id, startsAt: at(uniqueMonday(), 8).toISOString() })).status,
    ).toBe(404);
    expect(await appointmentsOf(cancelled.id)).toEqual([]);
  });

  it("when the slot does not fit in what is left of the technician's day, then 409 slot-outside-capacity and nothing is booked", async () => {
    const day = uniqueMonday();
    const first = await assignedOrder();
    expect((await call('POST', '/appointments', 'provider-admin', { serviceOrderId: first.id, startsAt: at(day, 7).toISOString() })).status).toBe(201); // 6 of 8 h
    const second = await assignedOrder();
    const answer = await call('POST', '/appointments', 'provider-admin', {
      serviceOrderId: second.id,
      startsAt: at(day, 14).toISOString(),
      endsAt: at(day, 17).toISOString(),
    });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'slot-outside-capacity' } });
    expect(await appointmentsOf(second.id)).toEqual([]);
    expect(await eventsOf(second.id, 'ahs.field.appointment.booked')).toEqual([]);
    // two hours still fit
    expect(
      (
        await call('POST', '/appointments', 'provider-admin', {
          serviceOrderId: second.id,
          startsAt: at(day, 14).toISOString(),
          endsAt: at(day, 16).toISOString(),
        })
      ).status,
    ).toBe(201);
  });

  it('when the slot is on a day the technician does not work, then 409 not-a-working-day', async () => {
    const order = await assignedOrder();
    const saturday = new Date(uniqueMonday().getTime() + 5 * 86_400_000);
    const answer = await call('POST', '/appointments', 'technician', {
      serviceOrderId: order.id,
      startsAt: at(saturday, 8).toISOString(),
      endsAt: at(saturday, 9).toISOString(),
    });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'not-a-working-day' } });
    expect(await appointmentsOf(order.id)).toEqual([]);
  });

  it('when the installation is still blocked by its technical visit, then 409 installation-awaiting-tv', async () => {
    const order = await assignedOrder({ fixture: 'pyxis-created', ready: false });
    const day = uniqueMonday();
    const answer = await call('POST', '/appointments', 'provider-admin', {
      serviceOrderId: order.id,
      startsAt: at(day, 8).toISOString(),
      endsAt: at(day, 10).toISOString(),
    });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'installation-awaiting-tv' } });
    expect(await appointmentsOf(order.id)).toEqual([]);
  });

  it('when the order is cancelled, then 409 order-cancelled', async () => {
    const order = await assignedOrder({ fixture: 'pyxis-created', cancelled: true });
    const day = uniqueMonday();
    const answer = await call('POST', '/appointments', 'provider-admin', {
      serviceOrderId: order.id,
      startsAt: at(day, 8).toISOString(),
      endsAt: at(day, 10).toISOString(),
    });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'order-cancelled' } });
  });

  it('when the order is assigned to another provider, then its admin and technicians get 404 and nothing is booked; its own admin books it', async () => {
    const order = await assignedOrder({ providerId: DEV_PROVIDER_B_ID, technicianId: TECH_2 });
    const day = uniqueMonday();
    const body = { serviceOrderId: order.id, startsAt: at(day, 8).toISOString(), endsAt: at(day, 10).toISOString() };
    expect(await call('POST', '/appointments', 'provider-admin', body)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await call('POST', '/appointments', 'technician', body)).status).toBe(404);
    expect((await call('POST', '/appointments', 'technician-fr', body)).status).toBe(404);
    expect((await call('POST', '/appointments', 'operator-es', body)).status).toBe(403);
    expect(await appointmentsOf(order.id)).toEqual([]);
    expect((await call('POST', '/appointments', 'provider-admin-b', body)).status).toBe(201);
  });

  it('when no technician is assigned yet, then 409 technician-not-assigned; a technician of the provider who is not the assigned one gets 404', async () => {
    const none = await assignedOrder({ technicianId: null });
    const day = uniqueMonday();
    expect(
      await call('POST', '/appointments', 'provider-admin', { serviceOrderId: none.id, startsAt: at(day, 8).toISOString(), endsAt: at(day, 9).toISOString() }),
    ).toMatchObject({ status: 409, body: { reason: 'technician-not-assigned' } });
    expect(
      (await call('POST', '/appointments', 'technician', { serviceOrderId: none.id, startsAt: at(day, 8).toISOString(), endsAt: at(day, 9).toISOString() }))
        .status,
    ).toBe(404);
  });

  it('when the app retries a booking with the same Idempotency-Key, then it gets the first answer and one appointment, one event; another key gets 409 appointment-already-booked', async () => {
    const order = await assignedOrder();
    const day = uniqueMonday();
    const body = { serviceOrderId: order.id, startsAt: at(day, 8).toISOString(), endsAt: at(day, 10).toISOString() };
    const first = await call('POST', '/appointments', 'technician', body, 'book-key-0001-' + order.id);
    const retry = await call('POST', '/appointments', 'technician', body, 'book-key-0001-' + order.id);
    expect(first).toMatchObject({ status: 201, replayed: false });
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await appointmentsOf(order.id)).toHaveLength(1);
    expect(await eventsOf(order.id, 'ahs.field.appointment.booked')).toHaveLength(1);
    expect(await call('POST', '/appointments', 'technician', body)).toMatchObject({ status: 409, body: { reason: 'appointment-already-booked' } });
  });

  it.each([
    ['endsAt before startsAt', (d: Date) => ({ startsAt: at(d, 10).toISOString(), endsAt: at(d, 9).toISOString() }), 'endsAt'],
    ['a startsAt that is no date-time', () => ({ startsAt: 'tomorrow' }), 'startsAt'],
  ])('when the body has %s, then 400 naming the field', async (_case, slot, field) => {
    const order = await assignedOrder();
    const answer = await call('POST', '/appointments', 'provider-admin', { serviceOrderId: order.id, ...slot(uniqueMonday()) });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
  });

  it('when the Idempotency-Key header is missing, then 400 naming it', async () => {
    const order = await assignedOrder();
    const day = uniqueMonday();
    const answer = await call('POST', '/appointments', 'provider-admin', { serviceOrderId: order.id, startsAt: at(day, 8).toISOString() }, null);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
  });
});
