import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { at, startFieldVisitsHarness, uniqueMonday } from './testing';

const { url, db, call, bookedAppointment, eventsOf, setNow } = await startFieldVisitsHarness();
afterEach(() => setNow(undefined));

const home = { lat: 40.4237, lon: -3.6741 }; // the Madrid customer of pyxis-created
const onMyWayOf = async (id: string) =>
  (
    await db.query<{ on_my_way_at: Date | null; eta_minutes: number | null; expected_arrival_at: Date | null }>(
      'SELECT on_my_way_at, eta_minutes, expected_arrival_at FROM field.appointments WHERE id = $1',
      [id],
    )
  ).rows[0];
const messagesOf = async (orderId: string) =>
  (await eventsOf(orderId, 'ahs.notify.message.requested')).map((e) => e.data).filter((d) => d.templateId === 'field.technician-on-the-way');

/** A booked slot at 08:00 UTC (10:00 in Madrid in summer, 09:00 in winter); the server's clock `minutes` before it. */
async function slot(minutes = 40) {
  const startsAt = at(uniqueMonday(), 8);
  const now = new Date(startsAt.getTime() - minutes * 60_000);
  setNow(now);
  return { ...(await bookedAppointment(startsAt)), startsAt, now };
}

describe('field-visits POST /appointments/:id/on-my-way', () => {
  it('when the technician is on the way, then the time and ETA are recorded and the customer is told the minutes and the expected arrival', async () => {
    const a = await slot(40);
    const expected = new Date(a.now.getTime() + 25 * 60_000);
    const answer = await call('POST', `/appointments/${a.id}/on-my-way`, 'technician', { etaMinutes: 25 });
    expect(answer).toEqual({
      status: 200,
      replayed: false,
      body: {
        appointmentId: a.id,
        serviceOrderId: a.orderId,
        status: 'booked',
        onMyWayAt: a.now.toISOString(),
        etaMinutes: 25,
        expectedArrivalAt: expected.toISOString(),
      },
    });
    expect(await onMyWayOf(a.id)).toEqual({ on_my_way_at: a.now, eta_minutes: 25, expected_arrival_at: expected });
    expect(await messagesOf(a.orderId)).toEqual([
      expect.objectContaining({
        recipient: { kind: 'customer', customerId: a.customerId, serviceOrderId: a.orderId },
        locale: 'es',
        parameters: { orderReference: expect.any(String) as string, etaMinutes: 25, expectedAt: expected.toISOString(), timeZone: 'Europe/Madrid' },
      }),
    ]);
  });

  it('when the technician, stuck in traffic, sends a new ETA, then it is updated and the customer told again; a retry with the same Idempotency-Key is replayed, not sent again', async () => {
    const a = await slot(40);
    const first = await call('POST', `/appointments/${a.id}/on-my-way`, 'technician', { etaMinutes: 20 }, `omw-1-${a.id}`);
    setNow(new Date(a.now.getTime() + 15 * 60_000));
    const retry = await call('POST', `/appointments/${a.id}/on-my-way`, 'technician', { etaMinutes: 20 }, `omw-1-${a.id}`);
    expect(retry).toEqual({ ...first, replayed: true });
    const later = await call('POST', `/appointments/${a.id}/on-my-way`, 'technician', { etaMinutes: 1 }, `omw-2-${a.id}`);
    const expected = new Date(a.now.getTime() + 16 * 60_000);
    expect(later).toMatchObject({ status: 200, replayed: false, body: { etaMinutes: 1, expectedArrivalAt: expected.toISOString() } });
    expect(await onMyWayOf(a.id)).toMatchObject({ eta_minutes: 1, expected_arrival_at: expected });
    expect((await messagesOf(a.orderId)).map((m) => (m.parameters as { etaMinutes: number }).etaMinutes)).toEqual([20, 1]);
  });

  it.each([[{ etaMinutes: 0 }], [{ etaMinutes: 241 }], [{ etaMinutes: 12.5 }], [{ etaMinutes: '20' }], [{}]])(
    'when the body is %j, then 400 naming etaMinutes and nothing is sent',
    async (body) => {
      const a = await slot();
      const answer = await call('POST', `/appointments/${a.id}/on-my-way`, 'technician', body);
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
      expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'etaMinutes' })]);
      expect(await messagesOf(a.orderId)).toEqual([]);
    },
  );

  it("when another provider's technician, another technician of the provider or no one signed in says so, then 404 (401 unsigned) and nothing changes", async () => {
    const a = await slot();
    expect(await call('POST', `/appointments/${a.id}/on-my-way`, 'technician-b', { etaMinutes: 10 })).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect((await call('POST', `/appointments/${a.id}/on-my-way`, 'technician-fr', { etaMinutes: 10 })).status).toBe(404);
    expect((await call('POST', `/appointments/${a.id}/on-my-way`, 'provider-admin', { etaMinutes: 10 })).status).toBe(403);
    const unsigned = await fetch(`${url}/appointments/${a.id}/on-my-way`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ etaMinutes: 10 }),
    });
    expect(unsigned.status).toBe(401);
    // The same provider's other technician: the appointment is not theirs.
    const other = randomUUID();
    await db.query(`INSERT INTO dispatch.technicians (id, provider_id, subject, display_name) VALUES ($1, $2, $3, 'Other technician')`, [
      other,
      DEV_PROVIDER_ID,
      `other-${other}`,
    ]);
    await db.query('UPDATE field.appointments SET technician_id = $2 WHERE id = $1', [a.id, other]);
    expect((await call('POST', `/appointments/${a.id}/on-my-way`, 'technician', { etaMinutes: 10 })).status).toBe(404);
    expect(await onMyWayOf(a.id)).toEqual({ on_my_way_at: null, eta_minutes: null, expected_arrival_at: null });
    expect(await messagesOf(a.orderId)).toEqual([]);
  });

  it('when the technician has checked in, then 409 already-checked-in', async () => {
    const a = await slot(5);
    expect((await call('POST', `/appointments/${a.id}/check-in`, 'technician', home)).status).toBe(200);
    expect(await call('POST', `/appointments/${a.id}/on-my-way`, 'technician', { etaMinutes: 5 })).toMatchObject({
      status: 409,
      body: { reason: 'already-checked-in' },
    });
    expect(await messagesOf(a.orderId)).toEqual([]);
  });

  it('when the appointment was cancelled, then 409 appointment-cancelled; when its day is over, then 409 appointment-past', async () => {
    const cancelled = await slot();
    await db.query(`UPDATE field.appointments SET status = 'cancelled' WHERE id = $1`, [cancelled.id]);
    expect(await call('POST', `/appointments/${cancelled.id}/on-my-way`, 'technician', { etaMinutes: 5 })).toMatchObject({
      status: 409,
      body: { reason: 'appointment-cancelled' },
    });
    const past = await slot();
    setNow(new Date(past.startsAt.getTime() + 24 * 3_600_000));
    expect(await call('POST', `/appointments/${past.id}/on-my-way`, 'technician', { etaMinutes: 5 })).toMatchObject({
      status: 409,
      body: { reason: 'appointment-past' },
    });
    // Late on the day itself (after the slot's end), the customer is still told.
    setNow(new Date(past.startsAt.getTime() + 5 * 3_600_000));
    expect((await call('POST', `/appointments/${past.id}/on-my-way`, 'technician', { etaMinutes: 5 })).status).toBe(200);
  });
});
