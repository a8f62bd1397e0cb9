import type { Outbox } from '../outbox/outbox';
import { informCustomer, withdrawScheduledMessage } from './messages';

/**
 * The customer's reminder of a booked visit (field.appointment-reminder): one per order, sent the
 * evening before the visit (18:00 in the visit's time zone). Booking the order again (the
 * appointment moved, or a multi-day job's next day) replaces the unsent one through the same
 * collapse key; cancelling the appointment withdraws it.
 */
export const appointmentReminderKey = (serviceOrderId: string) => `appointment-reminder:${serviceOrderId}`;

/** Local time of day the reminder goes, the day before the visit. */
export const REMINDER_LOCAL_TIME = '18:00';

export interface BookedVisit {
  serviceOrderId: string;
  customerId: string;
  hasEmail: boolean;
  countryCode: string;
  orderReference: string;
  startsAt: Date;
  endsAt: Date;
  /** The visit's time zone (IANA). */
  timeZone: string;
  /** When the reminder is due: 18:00 local the day before `startsAt` (see book.ts). */
  remindAt: Date;
}

/**
 * Schedules the reminder of a visit just booked, in the caller's transaction. A visit less than
 * a day away (its reminder time already past at `now`) gets none: the booking confirmation is
 * fresh enough. Returns whether one was scheduled.
 */
export async function scheduleAppointmentReminder(outbox: Outbox, visit: BookedVisit, now: Date): Promise<boolean> {
  if (visit.remindAt.getTime() <= now.getTime()) return false;
  await informCustomer(outbox, {
    serviceOrderId: visit.serviceOrderId,
    customerId: visit.customerId,
    hasEmail: visit.hasEmail,
    countryCode: visit.countryCode,
    templateId: 'field.appointment-reminder',
    parameters: {
      orderReference: visit.orderReference,
      startsAt: visit.startsAt.toISOString(),
      endsAt: visit.endsAt.toISOString(),
      timeZone: visit.timeZone,
    },
    schedule: { sendAt: visit.remindAt, collapseKey: appointmentReminderKey(visit.serviceOrderId) },
  });
  return true;
}

/** Withdraws the order's reminder not sent yet (its appointment was cancelled), in the caller's transaction. */
export const withdrawAppointmentReminder = (outbox: Outbox, serviceOrderId: string, reason: string) =>
  withdrawScheduledMessage(outbox, { collapseKey: appointmentReminderKey(serviceOrderId), serviceOrderId, reason });
