import type { Principal } from '../../shared/auth/principal';
import { localDate } from '../../shared/domain/locale';
import { ConflictError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { myAppointment, refuseStale, tellCustomer } from './appointment';
import type { OnMyWayBody } from './schema';

/**
 * The technician is on the way to the appointment: the time and the ETA are recorded and the
 * customer is told (field.technician-on-the-way, with the expected arrival). A new "on my way"
 * (stuck in traffic, a new ETA) updates them and tells the customer again; a retry with the same
 * Idempotency-Key replays the first answer. Refused (409) once checked in, for a cancelled
 * appointment, order or assignment, and once the appointment's day is over.
 */
export async function onMyWay({ tx, outbox, now }: WriteContext, principal: Principal, id: string, body: OnMyWayBody) {
  const a = await myAppointment(tx, principal, id);
  if (a.status === 'checked-in' || a.status === 'done') throw new ConflictError(`appointment ${id} is already checked in`, 'already-checked-in');
  refuseStale(a);
  // A technician running late on the day still tells the customer; the day after, the visit is missed.
  if (localDate(now, a.timezone) > localDate(a.starts_at, a.timezone)) {
    throw new ConflictError(`appointment ${id} was on ${localDate(a.starts_at, a.timezone)}, a past day`, 'appointment-past');
  }
  const expectedAt = new Date(now.getTime() + body.etaMinutes * 60_000);
  await tx.query(`UPDATE field.appointments SET on_my_way_at = $2, eta_minutes = $3, expected_arrival_at = $4 WHERE id = $1`, [
    id,
    now,
    body.etaMinutes,
    expectedAt,
  ]);
  await tellCustomer(outbox, a, 'field.technician-on-the-way', {
    etaMinutes: body.etaMinutes,
    expectedAt: expectedAt.toISOString(),
    timeZone: a.timezone,
  });
  return {
    appointmentId: id,
    serviceOrderId: a.service_order_id,
    status: a.status,
    onMyWayAt: now.toISOString(),
    etaMinutes: body.etaMinutes,
    expectedArrivalAt: expectedAt.toISOString(),
  };
}
