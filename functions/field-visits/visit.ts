import { createHash } from 'node:crypto';
import { messages } from '../../bpmn/contract';
import { fieldVisitCheckedIn, fieldVisitCheckedOut } from '../../events';
import type { Principal } from '../../shared/auth/principal';
import type { DbClient } from '../../shared/db';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import { ok, type HttpResult } from '../../shared/http';
import type { Outbox } from '../../shared/outbox';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import type { FieldConfig } from './config';
import { geofence, punctuality } from './geo';
import { decodeSignature, type CheckInBody, type CheckOutBody } from './schema';

/** How far ahead of the server's clock a device time may be. */
const CLOCK_SKEW_MS = 5 * 60_000;

interface AppointmentRow {
  id: string;
  service_order_id: string;
  status: 'booked' | 'checked-in' | 'done' | 'cancelled';
  starts_at: Date;
  technician_id: string;
  provider_id: string;
  order_status: string;
  assignment_status: string;
  customer_lat: number | null;
  customer_lon: number | null;
  checked_in_at: Date | null;
}

/**
 * The appointment, locked, when the caller is its technician (subject and provider of the
 * token); otherwise NotFoundError — another technician's appointment answers like none.
 */
async function myAppointment(tx: DbClient, principal: Principal, id: string): Promise<AppointmentRow> {
  const { rows: [row] } = await tx.query<AppointmentRow>(
    `SELECT ap.id, ap.service_order_id, ap.status, ap.starts_at, ap.technician_id, t.provider_id,
            o.status AS order_status, asg.status AS assignment_status,
            c.latitude AS customer_lat, c.longitude AS customer_lon, v.checked_in_at
       FROM field.appointments ap
       JOIN dispatch.technicians t ON t.id = ap.technician_id
       JOIN dispatch.assignments asg ON asg.id = ap.assignment_id
       JOIN orders.service_orders o ON o.id = ap.service_order_id
       JOIN orders.customers c ON c.id = o.customer_id
       LEFT JOIN field.visits v ON v.appointment_id = ap.id
      WHERE ap.id = $1 AND t.subject = $2 AND t.provider_id = $3
      FOR UPDATE OF ap`,
    [id, principal.subject, principal.scope.providerId],
  );
  if (!row) throw new NotFoundError(`no appointment ${id} of yours`);
  return row;
}

function refuseStale(a: AppointmentRow): void {
  if (a.status === 'cancelled') throw new ConflictError(`appointment ${a.id} was cancelled`, 'appointment-cancelled');
  if (a.order_status === 'CANCELLED') throw new ConflictError(`service order ${a.service_order_id} is cancelled`, 'order-cancelled');
  // A completed assignment (the order worked once) still has its next days to work.
  if (a.assignment_status === 'cancelled') {
    throw new ConflictError(`the assignment of service order ${a.service_order_id} was cancelled`, 'assignment-cancelled');
  }
}

/** The device time of the action (default: now); a time in the future is refused (400 naming `at`). */
function actionTime(at: string | undefined, now: Date): Date {
  if (at === undefined) return now;
  const time = new Date(at);
  if (time.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new InvalidInputError('invalid body: at: is in the future', [{ field: 'at', message: 'is in the future' }]);
  }
  return time;
}

/**
 * The technician checks in on site: position against the customer's address (geofence with
 * tolerance), time against the slot (punctuality with grace). A second check-in with another
 * Idempotency-Key is refused (409 already-checked-in); the same key replays the first answer.
 */
export async function checkIn(
  tx: DbClient, outbox: Outbox, principal: Principal, id: string, body: CheckInBody, now: Date, config: FieldConfig,
): Promise<HttpResult> {
  const at = actionTime(body.at, now);
  const a = await myAppointment(tx, principal, id);
  if (a.status === 'checked-in' || a.status === 'done') throw new ConflictError(`appointment ${id} is already checked in`, 'already-checked-in');
  refuseStale(a);
  const fence = geofence(body, { lat: a.customer_lat, lon: a.customer_lon }, {
    toleranceM: config.GEOFENCE_TOLERANCE_M, accuracyCapM: config.GEOFENCE_ACCURACY_CAP_M,
  });
  const timing = punctuality(at, a.starts_at, config.PUNCTUALITY_GRACE_MIN);
  await tx.query(
    `WITH visit AS (
       INSERT INTO field.visits (appointment_id, checked_in_at, check_in_lat, check_in_lon, distance_m, within_geofence, punctuality,
                                 minutes_off, checked_in_by, check_in_received_at, check_in_accuracy_m, geofence_tolerance_m)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING appointment_id)
     UPDATE field.appointments SET status = 'checked-in' WHERE id = (SELECT appointment_id FROM visit)`,
    [id, at, body.lat, body.lon, fence.distanceM, fence.withinGeofence, timing.punctuality, timing.minutesOff,
     principal.subject, now, body.accuracyM ?? null, fence.toleranceM]);
  const visit = {
    appointmentId: id, serviceOrderId: a.service_order_id, providerId: a.provider_id, technicianId: a.technician_id,
    checkedInAt: at.toISOString(), receivedAt: now.toISOString(), ...fence, ...timing,
  };
  await outbox.add(fieldVisitCheckedIn, visit, { subject: a.service_order_id });
  return ok({ ...visit, status: 'checked-in', slotStartsAt: a.starts_at.toISOString() });
}

/**
 * The technician checks out: work summary, materials, photo references and the customer's
 * canvas signature (acknowledgement, not an e-signature). Before a check-in: 409 not-checked-in.
 * The order is then worked: its dispatch funnel is closed (message dispatch-order-closed,
 * closure `worked`), which completes the assignment — the provider can no longer withdraw.
 */
export async function checkOut(tx: DbClient, outbox: Outbox, principal: Principal, id: string, body: CheckOutBody, now: Date): Promise<HttpResult> {
  const at = actionTime(body.at, now);
  const a = await myAppointment(tx, principal, id);
  if (a.status === 'done') throw new ConflictError(`appointment ${id} is already checked out`, 'already-checked-out');
  refuseStale(a);
  if (a.status !== 'checked-in' || !a.checked_in_at) throw new ConflictError(`appointment ${id} is not checked in`, 'not-checked-in');
  if (at.getTime() < a.checked_in_at.getTime()) {
    throw new InvalidInputError('invalid body: at: is before the check-in', [{ field: 'at', message: `is before the check-in (${a.checked_in_at.toISOString()})` }]);
  }
  const decoded = decodeSignature(body.signaturePng);
  if ('problem' in decoded) throw new InvalidInputError(`invalid body: signaturePng: ${decoded.problem}`, [{ field: 'signaturePng', message: decoded.problem }]);
  const signature = { bytes: decoded.png.length, sha256: createHash('sha256').update(decoded.png).digest('hex') };
  const materials = body.materials.map((m) => ({ code: m.code, description: m.description ?? null, quantity: m.quantity, unit: m.unit }));
  await tx.query(
    `WITH visit AS (
       UPDATE field.visits SET checked_out_at = $2, work_summary = $3, materials = $4, photo_refs = $5, signature_png = $6,
                               signature_bytes = $7, signature_sha256 = $8, checked_out_by = $9, check_out_received_at = $10
        WHERE appointment_id = $1 RETURNING appointment_id)
     UPDATE field.appointments SET status = 'done' WHERE id = (SELECT appointment_id FROM visit)`,
    [id, at, body.workSummary, JSON.stringify(materials), JSON.stringify(body.photoRefs), body.signaturePng,
     signature.bytes, signature.sha256, principal.subject, now]);
  const visit = {
    appointmentId: id, serviceOrderId: a.service_order_id, providerId: a.provider_id, technicianId: a.technician_id,
    checkedInAt: a.checked_in_at.toISOString(), checkedOutAt: at.toISOString(), receivedAt: now.toISOString(),
    materials, photoRefs: body.photoRefs, signature,
  };
  await outbox.add(fieldVisitCheckedOut, visit, { subject: a.service_order_id });
  await requestWorkflowMessage(outbox, messages.dispatchOrderClosed, a.service_order_id, { closure: 'worked' }, { messageId: `order-worked:${a.service_order_id}` });
  return ok({ ...visit, status: 'done' });
}
