import { z } from 'zod';
import { defineEvent } from '../define';

export const fieldAppointmentBooked = defineEvent({
  topic: 'field.appointment.booked',
  type: 'ahs.field.appointment.booked',
  description:
    "An appointment slot agreed with the customer was booked for the technician of the order's live assignment. The customer's address stays in the orders domain.",
  data: z.object({
    appointmentId: z.uuid(),
    serviceOrderId: z.uuid(),
    assignmentId: z.uuid(),
    providerId: z.uuid(),
    technicianId: z.uuid(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    /** Where the slot's length came from: the caller's endsAt, or the order's products (capped to the technician's day). */
    durationSource: z.enum(['requested', 'products']),
    bookedAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
