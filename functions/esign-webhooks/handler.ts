import { esignNotificationReceived } from '../../events';
import type { WriteContext } from '../../shared/http';
import { hashEmail, redactEmails } from './redact';
import type { NotificationBody } from './schema';

/**
 * Stores one notification and asks for its processing (outbox event
 * `contracts.esign-notification.received`), in the route's one short transaction; nothing is
 * asked of Adobe here, so the answer does not wait on its API. A notification already stored
 * (Adobe delivers at least once) changes nothing and is acknowledged the same.
 */
export async function receiveNotification({ tx, outbox, now, logger }: WriteContext, body: NotificationBody) {
  const agreementId = body.agreement?.id ?? null;
  const { rowCount } = await tx.query(
    `INSERT INTO contracts.esign_notifications
       (webhook_notification_id, agreement_id, event, participant_email_hash, acting_user_email_hash, event_date, payload, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (webhook_notification_id) DO NOTHING`,
    [
      body.webhookNotificationId,
      agreementId,
      body.event,
      hashEmail(body.participantUserEmail),
      hashEmail(body.actingUserEmail),
      body.eventDate,
      JSON.stringify(redactEmails(body)),
      now,
    ],
  );
  const duplicate = rowCount === 0;
  if (!duplicate) {
    await outbox.add(esignNotificationReceived, {
      webhookNotificationId: body.webhookNotificationId,
      agreementId,
      event: body.event,
      eventDate: body.eventDate,
    });
  }
  logger.info('e-signature notification received', { webhookNotificationId: body.webhookNotificationId, event: body.event, agreementId, duplicate });
  return { received: true, duplicate };
}
