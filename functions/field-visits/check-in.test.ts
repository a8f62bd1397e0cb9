import { afterEach, describe, expect, it } from 'vitest';
import { at, startFieldVisitsHarness, uniqueMonday } from './testing';

const { db, call, bookedAppointment, eventsOf, setNow } = await startFieldVisitsHarness();
afterEach(() => setNow(undefined));

const home = { lat: 40.4237, lon: -3.6741 }; // the Madrid customer of pyxis-created
const statusOf = async (id: string) => (await db.query<{ status: string }>('SELECT status FROM field.appointments WHERE id = $1', [id])).rows[0]?.status;
const visitOf = async (id: string) =>
  (await db.query('SELECT * FROM field.visits WHERE appointment_id = $1', [id])).rows[0] as Record<string, unknown> | undefined;

/** A booked slot at 08:00 UTC; the server's clock set to `minutes` after its start. */
async function slot(minutes = 5, fixture?: 'tempo-created-pl') {
  const startsAt = at(uniqueMonday(), 8);
  setNow(new Date(startsAt.getTime() + minutes * 60_000));
  return { ...(await bookedAppointment(startsAt, fixture ? { fixture } : {})), startsAt };
}

describe('field-visits POST /appointments/:id/check-in', () => {
  it('when the technician checks in at the address on time, then the visit is within the geofence, stored, and announced without coordinates', async () => {
    const a = await slot(5);
    const answer = await call('POST', `/appointments/${a.id}/check-in`, 'technician', { lat: home.lat + 0.001, lon: home.lon, accuracyM: 12 });
    expect(answer).toMatchObject({
      status: 200,
      body: { appointmentId: a.id, status: 'checked-in', distanceM: 111, withinGeofence: true, toleranceM: 262, punctuality: 'on-time', minutesOff: 5 },
    });
    expect(await statusOf(a.id)).toBe('checked-in');
    expect(await visitOf(a.id)).toMatchObject({
      distance_m: 111,
      within_geofence: true,
      punctuality: 'on-time',
      minutes_off: 5,
      checked_in_by: 'tech-0001',
      check_in_accuracy_m: 12,
    });
    const events = await eventsOf(a.orderId, 'ahs.field.visit.checked-in');
    expect(events).toEqual([
      expect.objectContaining({
        partition_key: a.orderId,
        data: expect.objectContaining({ appointmentId: a.id, withinGeofence: true, distanceM: 111 }) as unknown,
      }),
    ]);
    expect(JSON.stringify(events)).not.toMatch(/40\.42|3\.67/);
  });

  it('when the technician checks in beyond the tolerance, then the visit is flagged outside the geofence (and still recorded)', async () => {
    const a = await slot(0);
    const answer = await call('POST', `/appointments/${a.id}/check-in`, 'technician', { lat: home.lat + 0.02, lon: home.lon });
    expect(answer).toMatchObject({ status: 200, body: { distanceM: 2224, withinGeofence: false, toleranceM: 250 } });
    expect(await visitOf(a.id)).toMatchObject({ within_geofence: false });
  });

  it('when the device time is 40 minutes before the slot, then early; 30 minutes after, then late', async () => {
    const early = await slot(60);
    expect(
      (await call('POST', `/appointments/${early.id}/check-in`, 'technician', { ...home, at: new Date(early.startsAt.getTime() - 40 * 60_000).toISOString() }))
        .body,
    ).toMatchObject({ punctuality: 'early', minutesOff: -40 });
    const late = await slot(60);
    expect(
      (await call('POST', `/appointments/${late.id}/check-in`, 'technician', { ...home, at: new Date(late.startsAt.getTime() + 30 * 60_000).toISOString() }))
        .body,
    ).toMatchObject({ punctuality: 'late', minutesOff: 30 });
    expect(await visitOf(late.id)).toMatchObject({ punctuality: 'late', minutes_off: 30 });
  });

  it("when the customer's address has no coordinates, then distance and geofence are null", async () => {
    const a = await slot(0, 'tempo-created-pl');
    expect(await call('POST', `/appointments/${a.id}/check-in`, 'technician', home)).toMatchObject({
      status: 200,
      body: { distanceM: null, withinGeofence: null },
    });
  });

  it.each([
    [{ lat: 90.5, lon: 0 }, 'lat'],
    [{ lat: 0, lon: -180.1 }, 'lon'],
    [{ lat: '40', lon: 0 }, 'lat'],
    [{ lat: 0, lon: 0, at: 'now' }, 'at'],
  ])('when the body is %j, then 400 naming %s and nothing changes', async (body, field) => {
    const a = await slot(0);
    const answer = await call('POST', `/appointments/${a.id}/check-in`, 'technician', body);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
    expect(await statusOf(a.id)).toBe('booked');
  });

  it('when the device time is in the future, then 400 naming at', async () => {
    const a = await slot(0);
    const answer = await call('POST', `/appointments/${a.id}/check-in`, 'technician', {
      ...home,
      at: new Date(a.startsAt.getTime() + 3_600_000).toISOString(),
    });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'at' })]);
  });

  it('when a technician of another provider checks in on this appointment, then 404 and nothing changes', async () => {
    const a = await slot(0);
    expect(await call('POST', `/appointments/${a.id}/check-in`, 'technician-b', home)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await call('POST', `/appointments/${a.id}/check-in`, 'technician-fr', home)).toMatchObject({ status: 404 });
    expect((await call('POST', `/appointments/${a.id}/check-in`, 'provider-admin', home)).status).toBe(403);
    expect(await statusOf(a.id)).toBe('booked');
    expect(await visitOf(a.id)).toBeUndefined();
    expect(await eventsOf(a.orderId, 'ahs.field.visit.checked-in')).toEqual([]);
  });

  it('when the offline app sends the same check-in twice with one Idempotency-Key, then the second gets the first answer and there is one event; another key gets 409 already-checked-in', async () => {
    const a = await slot(3);
    const body = { ...home, at: new Date(a.startsAt.getTime() + 2 * 60_000).toISOString() };
    const first = await call('POST', `/appointments/${a.id}/check-in`, 'technician', body, `offline-${a.id}`);
    setNow(new Date(a.startsAt.getTime() + 90 * 60_000)); // the retry arrives much later
    const retry = await call('POST', `/appointments/${a.id}/check-in`, 'technician', body, `offline-${a.id}`);
    expect(first).toMatchObject({ status: 200, replayed: false, body: { punctuality: 'on-time' } });
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await eventsOf(a.orderId, 'ahs.field.visit.checked-in')).toHaveLength(1);
    expect(await call('POST', `/appointments/${a.id}/check-in`, 'technician', body)).toMatchObject({ status: 409, body: { reason: 'already-checked-in' } });
    expect(await eventsOf(a.orderId, 'ahs.field.visit.checked-in')).toHaveLength(1);
  });

  it("when the appointment's assignment was cancelled, then 409 assignment-cancelled", async () => {
    const a = await slot(0);
    await db.query(`UPDATE dispatch.assignments SET status = 'cancelled', cancelled_at = NOW() WHERE service_order_id = $1`, [a.orderId]);
    expect(await call('POST', `/appointments/${a.id}/check-in`, 'technician', home)).toMatchObject({ status: 409, body: { reason: 'assignment-cancelled' } });
  });
});
