import type { Principal } from '../../shared/auth/principal';
import type { DbClient } from '../../shared/db';
import { informCustomer } from '../../shared/domain/messages';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import type { Outbox } from '../../shared/outbox/outbox';

/** How far ahead of the server's clock a device time may be. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface AppointmentRow {
  id: string;
  service_order_id: string;
  status: 'booked' | 'checked-in' | 'done' | 'cancelled';
  starts_at: Date;
  ends_at: Date;
  technician_id: string;
  provider_id: string;
  order_status: string;
  assignment_status: string;
  customer_lat: number | null;
  customer_lon: number | null;
  checked_in_at: Date | null;
  /** For the customer's messages (by reference, no PII). */
  customer_id: string;
  customer_has_email: boolean;
  country_code: string;
  sales_order_id: string | null;
  /** The order's country's time zone. */
  timezone: string;
}

/**
 * The appointment, locked, when the caller is its technician (subject and provider of the
 * token); otherwise NotFoundError — another technician's appointment answers like none.
 */
export async function myAppointment(tx: DbClient, principal: Principal, id: string): Promise<AppointmentRow> {
  const {
    rows: [row],
  } = await tx.query<AppointmentRow>(
    `SELECT ap.id, ap.service_order_id, ap.status, ap.starts_at, ap.ends_at, ap.technician_id, t.provider_id,
            o.status AS order_status, asg.status AS assignment_status,
            c.latitude AS customer_lat, c.longitude AS customer_lon, v.checked_in_at,
            o.customer_id, (c.email IS NOT NULL) AS customer_has_email, o.country_code, o.sales_order_id, cn.timezone
       FROM field.appointments ap
       JOIN dispatch.technicians t ON t.id = ap.technician_id
       JOIN dispatch.assignments asg ON asg.id = ap.assignment_id
       JOIN orders.service_orders o ON o.id = ap.service_order_id
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN org.countries cn ON cn.code = o.country_code
       LEFT JOIN field.visits v ON v.appointment_id = ap.id
      WHERE ap.id = $1 AND t.subject = $2 AND t.provider_id = $3
      FOR UPDATE OF ap`,
    [id, principal.subject, principal.scope.providerId],
  );
  if (!row) throw new NotFoundError(`no appointment ${id} of yours`);
  return row;
}

export function refuseStale(a: AppointmentRow): void {
  if (a.status === 'cancelled') throw new ConflictError(`appointment ${a.id} was cancelled`, 'appointment-cancelled');
  if (a.order_status === 'CANCELLED') throw new ConflictError(`service order ${a.service_order_id} is cancelled`, 'order-cancelled');
  // A completed assignment (the order worked once) still has its next days to work.
  if (a.assignment_status === 'cancelled') {
    throw new ConflictError(`the assignment of service order ${a.service_order_id} was cancelled`, 'assignment-cancelled');
  }
}

/** Asks for a message to the appointment's customer (email, else SMS), in the caller's transaction. */
export const tellCustomer = (outbox: Outbox, a: AppointmentRow, templateId: string, parameters: Record<string, string | number>) =>
  informCustomer(outbox, {
    serviceOrderId: a.service_order_id,
    customerId: a.customer_id,
    hasEmail: a.customer_has_email,
    countryCode: a.country_code,
    templateId,
    parameters: { orderReference: a.sales_order_id ?? a.service_order_id, ...parameters },
  });

/** The device time of the action (default: now); a time in the future is refused (400 naming `at`). */
export function actionTime(at: string | undefined, now: Date): Date {
  if (at === undefined) return now;
  const time = new Date(at);
  if (time.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new InvalidInputError('invalid body: at: is in the future', [{ field: 'at', message: 'is in the future' }]);
  }
  return time;
}
