import type { Queryable } from '../../shared/db';
import type { Channel } from '../../shared/notify/consent';
import { readContact } from '../../shared/notify/contact';
import { recipientOf } from '../../shared/notify/queue';

/** The message a provider event is about, as this function reads and moves it. */
export interface TrackedMessage {
  request_id: string;
  channel: Channel;
  status: string;
  provider_message_id: string | null;
  recipient_kind: string;
  customer_id: string | null;
  provider_id: string | null;
  technician_id: string | null;
  locale: string;
}

/** Where a provider's report moves a message: sent (accepted by the provider) or an end state. */
export type ReportedStatus = 'sent' | 'delivered' | 'undelivered' | 'failed';

/**
 * Statuses only move forward: queued/sending 0 < sent 1 < delivered/undelivered/failed 2.
 * Suppressed and cancelled messages were never sent: nothing moves them.
 */
const RANK: Record<string, number> = { queued: 0, sending: 0, sent: 1, delivered: 2, undelivered: 2, failed: 2, suppressed: 3, cancelled: 3 };

/**
 * The message, locked for this transaction (callbacks about one message arrive together): by
 * the request id the provider echoes, else by the provider's message id. A request id whose
 * message already carries another provider id (another send of it) does not match.
 */
export async function lockMessage(
  tx: Queryable,
  channel: Channel,
  ref: { requestId?: string; providerMessageId?: string },
): Promise<TrackedMessage | undefined> {
  const columns = 'request_id, channel, status, provider_message_id, recipient_kind, customer_id, provider_id, technician_id, locale';
  if (ref.requestId !== undefined) {
    const {
      rows: [row],
    } = await tx.query<TrackedMessage>(
      `SELECT ${columns} FROM notify.messages
        WHERE request_id = $1 AND channel = $2 AND (provider_message_id IS NULL OR $3::text IS NULL OR provider_message_id = $3)
        FOR UPDATE`,
      [ref.requestId, channel, ref.providerMessageId ?? null],
    );
    if (row) return row;
  }
  if (ref.providerMessageId === undefined) return undefined;
  const {
    rows: [row],
  } = await tx.query<TrackedMessage>(`SELECT ${columns} FROM notify.messages WHERE provider_message_id = $1 AND channel = $2 FOR UPDATE`, [
    ref.providerMessageId,
    channel,
  ]);
  return row;
}

/**
 * Applies a provider's report: records the provider's id when the message has none yet (a send
 * whose answer was lost is reconciled here), and moves the status when the report is further
 * on — a late `sent` after `delivered` changes nothing. Answers whether the status moved.
 */
export async function applyReport(
  tx: Queryable,
  message: TrackedMessage,
  report: { provider: 'twilio' | 'sendgrid'; providerMessageId?: string; status?: ReportedStatus; failure?: { code: string; reason: string } },
  now: Date,
): Promise<boolean> {
  const moves = report.status !== undefined && (RANK[report.status] ?? 0) > (RANK[message.status] ?? 3);
  const status = moves ? report.status : undefined;
  await tx.query(
    `UPDATE notify.messages
        SET provider = coalesce(provider, $2), provider_message_id = coalesce(provider_message_id, $3),
            status = coalesce($4, status),
            lease_until = CASE WHEN $4::text IS NULL THEN lease_until ELSE NULL END,
            sent_at = CASE WHEN $4 IS NOT NULL THEN coalesce(sent_at, $7) ELSE sent_at END,
            delivered_at = CASE WHEN $4 = 'delivered' THEN coalesce(delivered_at, $7) ELSE delivered_at END,
            failure_code = CASE WHEN $4 IN ('undelivered', 'failed') THEN $5 ELSE failure_code END,
            failure_reason = CASE WHEN $4 IN ('undelivered', 'failed') THEN $6 ELSE failure_reason END,
            updated_at = $7
      WHERE request_id = $1`,
    [message.request_id, report.provider, report.providerMessageId ?? null, status ?? null, report.failure?.code ?? null, report.failure?.reason ?? null, now],
  );
  if (status !== undefined) message.status = status;
  message.provider_message_id ??= report.providerMessageId ?? null;
  return moves;
}

/** The recipient's address on a channel, as orders / dispatch hold it today (undefined when none). */
export async function recipientAddress(tx: Queryable, message: TrackedMessage, channel: Channel): Promise<string | undefined> {
  const contact = await readContact(tx, recipientOf(message));
  return (channel === 'sms' ? contact?.phone : contact?.email) ?? undefined;
}

/** A provider's text as history keeps it: no email address, no phone number. */
export function withoutContacts(text: string): string {
  return text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;]+/g, '[email]').replace(/\+\d[\d ().-]{6,}\d|\b\d{9,}\b/g, '[number]');
}
