import { z } from 'zod';

/**
 * An Adobe Acrobat Sign webhook notification (REST v6 webhooks, as Adobe publishes the
 * payload): what the function needs is checked, everything else is kept as sent. Unknown event
 * types are accepted (stored, then ignored by the processor); `agreement` is absent for
 * notifications about other resources (widgets, library documents, MegaSign).
 */
export const notificationBody = z.looseObject({
  webhookId: z.string().min(1).optional(),
  webhookName: z.string().optional(),
  webhookNotificationId: z.string().min(1).max(200),
  event: z.string().min(1).max(100),
  subEvent: z.string().optional(),
  eventDate: z.iso.datetime({ offset: true }),
  eventResourceType: z.string().optional(),
  participantRole: z.string().optional(),
  actionType: z.string().optional(),
  participantUserId: z.string().optional(),
  participantUserEmail: z.string().optional(),
  actingUserId: z.string().optional(),
  actingUserEmail: z.string().optional(),
  agreement: z
    .looseObject({
      id: z.string().min(1).max(200),
      name: z.string().optional(),
      status: z.string().optional(),
    })
    .optional(),
});
export type NotificationBody = z.infer<typeof notificationBody>;
