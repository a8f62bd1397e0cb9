import { withTransaction } from '../../shared/db';
import { recordMessageEvent } from '../../shared/notify/history';
import type { SendDeps } from './send';

/**
 * The provider's price of the SMS sent lately, in place of the tariff: Twilio sets `price` on a
 * message once it is sent (null at creation, absent from status callbacks), so the senders ask for
 * it (`GET .../Messages/{sid}.json`) after the final status, once an hour at most per message, for
 * two days. Emails keep the tariff (SendGrid bills by plan, not per message).
 */
export async function refreshPrices(deps: Pick<SendDeps, 'db' | 'sms' | 'logger'>, batch = 50): Promise<number> {
  const { rows } = await deps.db.query<{ request_id: string; provider_message_id: string }>(
    `WITH due AS MATERIALIZED (
       SELECT request_id FROM notify.messages
        WHERE channel = 'sms' AND cost_source = 'tariff' AND provider_message_id IS NOT NULL AND sent_at > now() - interval '2 days'
          AND status IN ('delivered', 'undelivered') AND updated_at < now() - interval '30 seconds'
          AND (price_checked_at IS NULL OR price_checked_at < now() - interval '1 hour')
        ORDER BY sent_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     UPDATE notify.messages m SET price_checked_at = now() FROM due WHERE m.request_id = due.request_id
     RETURNING m.request_id, m.provider_message_id`,
    [batch],
  );
  let priced = 0;
  for (const row of rows) {
    const found = await deps.sms.message(row.provider_message_id).catch((error: unknown) => {
      deps.logger.warn('price not read; will try again', { requestId: row.request_id, error });
      return undefined;
    });
    if (!found?.price) continue;
    const { micros, currency } = found.price;
    await withTransaction(deps.db, async (tx) => {
      await tx.query(
        `UPDATE notify.messages SET cost_micros = $2, cost_currency = $3, cost_source = 'provider', segments = coalesce($4, segments) WHERE request_id = $1`,
        [row.request_id, micros, currency, found.segments],
      );
      await recordMessageEvent(tx, row.request_id, 'priced', { micros, currency });
    });
    priced += 1;
  }
  return priced;
}
