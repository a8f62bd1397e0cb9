import { z } from 'zod';
import { defineEvent } from '../define';

/**
 * A scheduled customer message (notify.message.requested with `schedule`) is no longer wanted —
 * the appointment it reminds of was cancelled. The sender cancels it if it has not gone yet; a
 * message already sent stays sent.
 */
export const notifyScheduledMessageCancelled = defineEvent({
  topic: 'notify.scheduled-message.cancelled',
  type: 'ahs.notify.scheduled-message.cancelled',
  description: 'A domain withdraws a scheduled message (by its collapse key) that has not been sent yet.',
  data: z.object({
    collapseKey: z.string().min(1).max(200),
    serviceOrderId: z.uuid(),
    reason: z.string().min(1).max(200),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
