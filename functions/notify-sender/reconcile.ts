import { withTransaction } from '../../shared/db';
import { addressOn, readContact } from '../../shared/notify/contact';
import { recordMessageEvent } from '../../shared/notify/history';
import { recipientOf } from '../../shared/notify/queue';
import { sendCost } from './cost';
import type { ClaimedMessage, SendDeps } from './send';

export interface ReconcileDeps {
  leaseMs: number;
  /** Emails cannot be looked up: how long after the attempt an event may still name it. */
  emailGraceMs: number;
}

/**
 * Exactly one message per request, when a send's answer was lost (the sender died between the
 * provider's answer and its commit, or the call timed out). Such a message stays `sending` until
 * its lease ends; then:
 *   - a status callback that arrived meanwhile has already settled it (notify-webhooks matches the
 *     request id in the callback URL / the email's custom_args) — nothing to do;
 *   - an SMS: the provider is asked (messages to that number since the attempt, same body): found
 *     → recorded as sent with the provider's id; not found → queued again;
 *   - an email: SendGrid offers no lookup of a single send, so it is queued again only when no
 *     event named it within `emailGraceMs` of the attempt.
 * The window left (written down in the README): an email SendGrid took whose events all arrive
 * later than the grace is sent twice; an SMS Twilio took but does not list yet (its list lags by
 * seconds; the lookup happens `NOTIFY_RECONCILE_AFTER_MS` after the attempt) is sent twice.
 */
export async function reconcileUnanswered(deps: SendDeps & ReconcileDeps): Promise<number> {
  const { rows } = await deps.db.query<ClaimedMessage>(
    `WITH expired AS MATERIALIZED (
       SELECT request_id FROM notify.messages WHERE status = 'sending' AND lease_until < now() ORDER BY lease_until LIMIT 20 FOR UPDATE SKIP LOCKED)
     UPDATE notify.messages m SET lease_until = now() + make_interval(secs => $1 / 1000.0), updated_at = now()
       FROM expired WHERE m.request_id = expired.request_id
      RETURNING m.request_id, m.recipient_kind, m.customer_id, m.provider_id, m.technician_id, m.service_order_id, m.country_code, m.channel,
                m.template_id, m.kind, m.subject, m.body_text, m.body_html, m.attempts, m.attempted_at, m.priority`,
    [deps.leaseMs],
  );
  for (const m of rows) {
    await reconcileOne(deps, m).catch((error: unknown) => deps.logger.warn('message not reconciled; will try again', { requestId: m.request_id, error }));
  }
  return rows.length;
}

async function reconcileOne(deps: SendDeps & ReconcileDeps, m: ClaimedMessage): Promise<void> {
  if (m.channel === 'email') {
    const graceEnds = new Date(m.attempted_at.getTime() + deps.emailGraceMs);
    if (graceEnds > deps.clock()) {
      await deps.db.query(`UPDATE notify.messages SET lease_until = $2 WHERE request_id = $1 AND status = 'sending'`, [m.request_id, graceEnds]);
      return;
    }
    return requeue(deps, m, 'no event named the email within the grace period');
  }
  const contact = await readContact(deps.db, recipientOf(m));
  const address = contact && addressOn('sms', contact);
  if (!address?.ok) return requeue(deps, m, 'the recipient has no valid number any more');
  const since = new Date(m.attempted_at.getTime() - 60_000);
  const found = (await deps.sms.lookup(address.address, since)).find((f) => f.body === m.body_text && f.dateCreated >= since);
  if (!found) return requeue(deps, m, 'the provider has no such message');
  const cost = sendCost('sms', m.body_text, found, await deps.settings(m.country_code));
  await withTransaction(deps.db, async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE notify.messages SET status = 'sent', provider = 'twilio', provider_message_id = coalesce(provider_message_id, $2), lease_until = NULL,
              sent_at = coalesce(sent_at, $3), segments = $4, encoding = $5, cost_micros = $6, cost_currency = $7, cost_source = $8, updated_at = now()
        WHERE request_id = $1 AND status = 'sending'`,
      [m.request_id, found.providerMessageId, found.dateCreated, cost.segments, cost.encoding, cost.micros, cost.currency, cost.source],
    );
    if (rowCount) await recordMessageEvent(tx, m.request_id, 'reconciled', { providerMessageId: found.providerMessageId, status: found.status });
  });
}

async function requeue(deps: SendDeps, m: ClaimedMessage, reason: string): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE notify.messages SET status = 'queued', not_before = now(), deferred_reason = 'reconciled', lease_until = NULL, updated_at = now()
        WHERE request_id = $1 AND status = 'sending' AND provider_message_id IS NULL`,
      [m.request_id],
    );
    if (rowCount) await recordMessageEvent(tx, m.request_id, 'requeued', { reason });
  });
}
