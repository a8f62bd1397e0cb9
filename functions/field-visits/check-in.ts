import { fieldVisitCheckedIn } from '../../events';
import type { Principal } from '../../shared/auth/principal';
import { ConflictError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { actionTime, myAppointment, refuseStale } from './appointment';
import type { FieldConfig } from './config';
import { geofence, punctuality } from './geo';
import type { CheckInBody } from './schema';

/**
 * The technician checks in on site: position against the customer's address (geofence with
 * tolerance), time against the slot (punctuality with grace). A second check-in with another
 * Idempotency-Key is refused (409 already-checked-in); the same key replays the first answer.
 */
export async function checkIn({ tx, outbox, now }: WriteContext, principal: Principal, id: string, body: CheckInBody, config: FieldConfig) {
  const at = actionTime(body.at, now);
  const a = await myAppointment(tx, principal, id);
  if (a.status === 'checked-in' || a.status === 'done') throw new ConflictError(`appointment ${id} is already checked in`, 'already-checked-in');
  refuseStale(a);
  const fence = geofence(
    body,
    { lat: a.customer_lat, lon: a.customer_lon },
    {
      toleranceM: config.GEOFENCE_TOLERANCE_M,
      accuracyCapM: config.GEOFENCE_ACCURACY_CAP_M,
    },
  );
  const timing = punctuality(at, a.starts_at, config.PUNCTUALITY_GRACE_MIN);
  await tx.query(
    `WITH visit AS (
       INSERT INTO field.visits (appointment_id, checked_in_at, check_in_lat, check_in_lon, distance_m, within_geofence, punctuality,
                                 minutes_off, checked_in_by, check_in_received_at, check_in_accuracy_m, geofence_tolerance_m)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING appointment_id)
     UPDATE field.appointments SET status = 'checked-in' WHERE id = (SELECT appointment_id FROM visit)`,
    [
      id,
      at,
      body.lat,
      body.lon,
      fence.distanceM,
      fence.withinGeofence,
      timing.punctuality,
      timing.minutesOff,
      principal.subject,
      now,
      body.accuracyM ?? null,
      fence.toleranceM,
    ],
  );
  const visit = {
    appointmentId: id,
    serviceOrderId: a.service_order_id,
    providerId: a.provider_id,
    technicianId: a.technician_id,
    checkedInAt: at.toISOString(),
    receivedAt: now.toISOString(),
    ...fence,
    ...timing,
  };
  await outbox.add(fieldVisitCheckedIn, visit, { subject: a.service_order_id });
  return { ...visit, status: 'checked-in', slotStartsAt: a.starts_at.toISOString() };
}
