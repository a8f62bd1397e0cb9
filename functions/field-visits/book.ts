import { randomUUID } from 'node:crypto';
import { fieldAppointmentBooked } from '../../events';
import type { Principal } from '../../shared/auth/principal';
import { isUniqueViolation, type DbClient } from '../../shared/db';
import { REMINDER_LOCAL_TIME, scheduleAppointmentReminder } from '../../shared/domain/appointment-reminder';
import { assertInstallationSchedulable, installationBlockedError } from '../../shared/domain/installation-gate';
import { localDate } from '../../shared/domain/locale';
import { informCustomer, informPartner } from '../../shared/domain/messages';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import type { BookBody } from './schema';

const HOUR_MS = 3_600_000;

interface OrderForBooking {
  status: string;
  country_code: string;
  customer_id: string;
  sales_order_id: string | null;
  has_email: boolean;
  /** The order's country's time zone: the customer's. */
  order_timezone: string;
  assignment_id: string;
  provider_id: string;
  technician_id: string | null;
  technician_subject: string | null;
}

/**
 * Books the slot agreed with the customer for the technician of the order's live assignment.
 * The caller is a provider admin of the assigned provider, or the assigned technician; anyone
 * else gets 404. Refusals (409): the order is cancelled, no technician is assigned yet, the
 * installation is blocked by its technical visit, the order already has a live appointment,
 * the day is not one of the technician's working days, or the slot does not fit in what is
 * left of their daily capacity (or overlaps another appointment of theirs). Runs in the route's
 * transaction: the booking, its events and the answer the edge stores for retries commit together.
 */
export async function bookAppointment({ tx, outbox, now }: WriteContext, principal: Principal, body: BookBody) {
  const orderId = body.serviceOrderId;
  const {
    rows: [order],
  } = await tx.query<OrderForBooking>(
    `SELECT o.status, o.country_code, o.customer_id, o.sales_order_id, (c.email IS NOT NULL) AS has_email, cn.timezone AS order_timezone,
            a.id AS assignment_id, a.provider_id, a.technician_id, t.subject AS technician_subject
       FROM orders.service_orders o
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN org.countries cn ON cn.code = o.country_code
       JOIN dispatch.assignments a ON a.service_order_id = o.id AND a.status IN ('confirmed', 'completed')
       LEFT JOIN dispatch.technicians t ON t.id = a.technician_id
      WHERE o.id = $1 AND a.provider_id = $2`,
    [orderId, principal.scope.providerId],
  );
  const mayBook = order && (principal.roles.includes('provider-admin') || order.technician_subject === principal.subject);
  if (!order || !mayBook) throw new NotFoundError(`no service order ${orderId} assigned to your provider`);
  if (order.status === 'CANCELLED') throw new ConflictError(`service order ${orderId} is cancelled`, 'order-cancelled');
  if (!order.technician_id) {
    throw new ConflictError(`no technician is assigned to service order ${orderId} yet`, 'technician-not-assigned');
  }
  await assertInstallationSchedulable(tx, orderId);
  // The order is now locked (FOR SHARE): no cancellation of its assignment can start, and one
  // that committed since the read above is seen here.
  const {
    rows: [assignment],
  } = await tx.query<{ status: string }>('SELECT status FROM dispatch.assignments WHERE id = $1', [order.assignment_id]);
  if (assignment?.status === 'cancelled') throw new ConflictError(`the assignment of service order ${orderId} was cancelled`, 'assignment-cancelled');

  // One booking at a time per technician: their day's capacity is read and used under this lock.
  const {
    rows: [tech],
  } = await tx.query<{ working_days: number[]; capacity_hours: number; timezone: string }>(
    `SELECT t.working_days, t.daily_capacity_hours::float8 AS capacity_hours, c.timezone
       FROM dispatch.technicians t
       JOIN dispatch.providers p ON p.id = t.provider_id
       JOIN org.countries c ON c.code = p.country_code
      WHERE t.id = $1
      FOR UPDATE OF t`,
    [order.technician_id],
  );
  if (!tech) throw new NotFoundError(`no service order ${orderId} assigned to your provider`);

  const {
    rows: [live],
  } = await tx.query<{ id: string }>(`SELECT id FROM field.appointments WHERE service_order_id = $1 AND status IN ('booked', 'checked-in') LIMIT 1`, [orderId]);
  if (live) throw new ConflictError(`service order ${orderId} already has appointment ${live.id}`, 'appointment-already-booked');

  const startsAt = new Date(body.startsAt);
  const duration = body.endsAt
    ? { ms: Date.parse(body.endsAt) - startsAt.getTime(), source: 'requested' as const }
    : { ms: Math.min(await productHours(tx, orderId), tech.capacity_hours) * HOUR_MS, source: 'products' as const };
  const endsAt = new Date(startsAt.getTime() + duration.ms);

  const {
    rows: [day],
  } = await tx.query<{ iso_weekday: number; local_day: string; day_ends_at: Date; remind_at: Date; booked_hours: number; overlaps: boolean }>(
    `WITH d AS (SELECT date_trunc('day', $2::timestamptz AT TIME ZONE $4) AS local_midnight)
     SELECT EXTRACT(ISODOW FROM d.local_midnight)::int AS iso_weekday,
            to_char(d.local_midnight, 'YYYY-MM-DD') AS local_day,
            (d.local_midnight + INTERVAL '1 day') AT TIME ZONE $4 AS day_ends_at,
            (date_trunc('day', $2::timestamptz AT TIME ZONE $6) - INTERVAL '1 day' + $5::interval) AT TIME ZONE $6 AS remind_at,
            COALESCE((SELECT SUM(EXTRACT(EPOCH FROM a.ends_at - a.starts_at)) FROM field.appointments a
                       WHERE a.technician_id = $1 AND a.status <> 'cancelled'
                         AND a.starts_at >= d.local_midnight AT TIME ZONE $4
                         AND a.starts_at < (d.local_midnight + INTERVAL '1 day') AT TIME ZONE $4), 0)::float8 / 3600 AS booked_hours,
            EXISTS (SELECT 1 FROM field.appointments a
                     WHERE a.technician_id = $1 AND a.status <> 'cancelled' AND a.starts_at < $3 AND a.ends_at > $2) AS overlaps
       FROM d`,
    [order.technician_id, startsAt, endsAt, tech.timezone, REMINDER_LOCAL_TIME, order.order_timezone],
  );
  if (!day) throw new Error('no day computed');
  if (!tech.working_days.includes(day.iso_weekday)) {
    throw new ConflictError(`${day.local_day} is not a working day of the technician`, 'not-a-working-day');
  }
  const hours = duration.ms / HOUR_MS;
  if (endsAt.getTime() > day.day_ends_at.getTime()) {
    throw new ConflictError(`the slot runs past the end of ${day.local_day} (${tech.timezone})`, 'slot-outside-capacity');
  }
  if (day.booked_hours + hours > tech.capacity_hours + 1e-9) {
    throw new ConflictError(
      `the technician has ${Math.max(0, tech.capacity_hours - day.booked_hours)} of ${tech.capacity_hours} hours left on ${day.local_day}; the slot takes ${round2(hours)}`,
      'slot-outside-capacity',
    );
  }
  if (day.overlaps) throw new ConflictError('the slot overlaps another appointment of the technician', 'slot-overlaps-appointment');

  const appointmentId = randomUUID();
  try {
    await tx.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status, booked_by, duration_source)
       VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $8)`,
      [appointmentId, orderId, order.assignment_id, order.technician_id, startsAt, endsAt, principal.subject, duration.source],
    );
  } catch (error) {
    const blocked = installationBlockedError(error);
    if (blocked) throw blocked;
    if (isUniqueViolation(error, 'uq_appointments_live')) {
      throw new ConflictError(`service order ${orderId} already has a live appointment`, 'appointment-already-booked');
    }
    throw error;
  }

  const appointment = {
    appointmentId,
    serviceOrderId: orderId,
    assignmentId: order.assignment_id,
    providerId: order.provider_id,
    technicianId: order.technician_id,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
  };
  await outbox.add(fieldAppointmentBooked, { ...appointment, durationSource: duration.source, bookedAt: now.toISOString() }, { subject: orderId });
  // A visit booked while the provider has a re-work round open on the order lifts the customer's reserves: told so.
  const rework = await openRework(tx, orderId, order.provider_id);
  await informCustomer(outbox, {
    serviceOrderId: orderId,
    customerId: order.customer_id,
    hasEmail: order.has_email,
    countryCode: order.country_code,
    templateId: rework ? 'wcf.rework-booked' : 'field.appointment-booked',
    parameters: {
      orderReference: order.sales_order_id ?? orderId,
      startsAt: appointment.startsAt,
      endsAt: appointment.endsAt,
      timeZone: tech.timezone,
      ...(rework ? { deadline: localDate(rework.deadline, tech.timezone) } : {}),
    },
  });
  await informPartner(outbox, {
    serviceOrderId: orderId,
    countryCode: order.country_code,
    providerId: appointment.providerId,
    technicianId: appointment.technicianId,
    templateId: 'field.visit-booked',
    parameters: { appointmentId: appointment.appointmentId, startsAt: appointment.startsAt, endsAt: appointment.endsAt },
  });
  // The customer's reminder, the evening before in their time zone; a new booking of the order
  // replaces the previous one's (same collapse key); none for a visit less than a day away.
  await scheduleAppointmentReminder(
    outbox,
    {
      serviceOrderId: orderId,
      customerId: order.customer_id,
      hasEmail: order.has_email,
      countryCode: order.country_code,
      orderReference: order.sales_order_id ?? orderId,
      startsAt,
      endsAt,
      timeZone: order.order_timezone,
      remindAt: day.remind_at,
    },
    now,
  );
  return { ...appointment, status: 'booked', durationHours: round2(hours), durationSource: duration.source };
}

/** The order's re-work round open for this provider (Work Closing Form reserves to lift), if any. */
async function openRework(tx: DbClient, orderId: string, providerId: string): Promise<{ deadline: Date } | undefined> {
  const { rows } = await tx.query<{ deadline: Date }>(
    `SELECT deadline FROM wcf.reworks WHERE service_order_id = $1 AND provider_id = $2 AND status = 'open' ORDER BY round DESC LIMIT 1`,
    [orderId, providerId],
  );
  return rows[0];
}

/** Hours the order's products take (per unit, times the quantity). */
async function productHours(tx: DbClient, orderId: string): Promise<number> {
  const {
    rows: [row],
  } = await tx.query<{ hours: number | null }>(
    `SELECT SUM(p.duration_hours * l.quantity)::float8 AS hours
       FROM orders.service_order_lines l JOIN orders.service_products p ON p.code = l.service_product_code
      WHERE l.service_order_id = $1`,
    [orderId],
  );
  if (!row?.hours || row.hours <= 0) {
    throw new InvalidInputError("the order's products give no duration: send endsAt", [{ field: 'endsAt', message: 'required for this order' }]);
  }
  return row.hours;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
