import { z } from 'zod';
import { defineEvent } from '../define';

export const esignNotificationReceived = defineEvent({
  topic: 'contracts.esign-notification.received',
  type: 'ahs.contracts.esign-notification.received',
  description:
    "Adobe Acrobat Sign posted a webhook notification and esign-webhooks stored it (once per webhookNotificationId). event is Adobe's (AGREEMENT_WORKFLOW_COMPLETED, AGREEMENT_REJECTED...); agreementId is null for notifications about other resources. No personal data: the stored row keeps the rest.",
  data: z.object({
    webhookNotificationId: z.string().min(1),
    /** Adobe's agreement id, when the notification is about an agreement. */
    agreementId: z.string().min(1).nullable(),
    event: z.string().min(1),
    eventDate: z.iso.datetime({ offset: true }),
  }),
  partitionKey: (d) => d.agreementId ?? d.webhookNotificationId,
});
