import { withTransaction, type Db, type Queryable } from '../../shared/db';
import { signCustomerLink } from '../../shared/domain/customer-link';
import type { Logger } from '../../shared/logging';
import { optOutStopping, recordOptOut, type Channel, type MessageKind } from '../../shared/notify/consent';
import { addressOn, maskAddress, readContact } from '../../shared/notify/contact';
import { fallBackToEmail } from '../../shared/notify/fallback';
import { recordMessageEvent } from '../../shared/notify/history';
import type { EmailProvider, SendOutcome, SmsProvider } from '../../shared/notify/providers/types';
import { recipientOf } from '../../shared/notify/queue';
import { sendableAt } from '../../shared/notify/quiet-hours';
import { holdBack } from '../../shared/notify/rate-limit';
import { sendCost } from './cost';

/** A message claimed for sending (status 'sending', leased). */
export interface ClaimedMessage {
  request_id: string;
  recipient_kind: string;
  customer_id: string | null;
  provider_id: string | null;
  technician_id: string | null;
  service_order_id: string;
  country_code: string;
  channel: Channel;
  template_id: string;
  kind: MessageKind;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  attempts: number;
  attempted_at: Date;
  priority: number;
}

/** Per country (notify.country_settings, joined to org.countries). */
export interface CountrySettings {
  sms_sender: string;
  email_from: string;
  email_from_name: string;
  quiet_from: string;
  quiet_until: string;
  sms_segment_micros: string;
  email_micros: string;
  currency: string;
  timezone: string;
}

export interface SendDeps {
  db: Db;
  logger: Logger;
  sms: SmsProvider;
  email: EmailProvider;
  clock: () => Date;
  settings(countryCode: string): Promise<CountrySettings>;
  publicBaseUrl: string;
  linkSecret: string;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  reconcileAfterMs: number;
}

/**
 * Claims up to `limit` of the most urgent due messages of a channel: transactional before bulk,
 * oldest first. Each is leased for `leaseMs` (its send's slot, then the provider call, fit in it).
 */
export async function claimDue(db: Queryable, channel: Channel, limit: number, leaseMs: number, now: Date): Promise<ClaimedMessage[]> {
  const { rows } = await db.query<ClaimedMessage>(
    // The due rows are picked once (a materialized CTE): a subquery in the WHERE may be run again
    // by the planner and claim more than `limit`.
    `WITH due AS MATERIALIZED (
       SELECT request_id FROM notify.messages
        WHERE status = 'queued' AND channel = $1 AND not_before <= $3
        ORDER BY priority, not_before LIMIT $4 FOR UPDATE SKIP LOCKED)
     UPDATE notify.messages m
        SET status = 'sending', attempts = m.attempts + 1, attempted_at = now(), lease_until = now() + make_interval(secs => $2 / 1000.0), updated_at = now()
       FROM due WHERE m.request_id = due.request_id
      RETURNING m.request_id, m.recipient_kind, m.customer_id, m.provider_id, m.technician_id, m.service_order_id, m.country_code, m.channel,
                m.template_id, m.kind, m.subject, m.body_text, m.body_html, m.attempts, m.attempted_at, m.priority`,
    [channel, leaseMs, now, limit],
  );
  return rows.sort((a, b) => a.priority - b.priority);
}

/** The most urgent due message of a channel, claimed (claimDue of one). */
export async function claimNext(db: Queryable, channel: Channel, leaseMs: number, now: Date): Promise<ClaimedMessage | undefined> {
  return (await claimDue(db, channel, 1, leaseMs, now))[0];
}

/**
 * Sends one claimed message. First what may stop it without a provider call — the recipient's
 * address (a valid mobile number for their country; an email address), an opt-out that stops
 * this kind of message (shared/notify/consent.ts), the quiet hours for a customer's SMS — then,
 * at its slot of the account's pace (`atSlot`), the provider, and records what it answered.
 */
export async function sendClaimed(deps: SendDeps, m: ClaimedMessage, atSlot: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  const settings = await deps.settings(m.country_code);
  const contact = await readContact(deps.db, recipientOf(m));
  if (!contact) return inTx(deps, (tx) => fail(tx, deps, m, { code: 'unknown-recipient', reason: `the ${m.recipient_kind} no longer exists` }, undefined));
  const address = addressOn(m.channel, contact);
  if (!address.ok) return inTx(deps, (tx) => fail(tx, deps, m, address, undefined));
  const masked = maskAddress(m.channel, address.address);
  const optOut = await optOutStopping(deps.db, m.channel, address.address, m.kind);
  if (optOut) return inTx(deps, (tx) => suppress(tx, deps, m, masked, optOut));
  if (m.channel === 'sms' && m.recipient_kind === 'customer') {
    const now = deps.clock();
    const until = sendableAt(now, settings.timezone, { start: settings.quiet_from, end: settings.quiet_until });
    if (until > now) return inTx(deps, (tx) => requeue(tx, deps, m, until, 'quiet-hours', {}));
  }
  // Everything above is read before the message's slot: at the slot, only the provider call.
  await atSlot();
  const outcome = m.channel === 'sms' ? await sendSms(deps, m, address.address, settings) : await sendEmail(deps, m, address.address, settings);
  await inTx(deps, (tx) => settle(tx, deps, m, outcome, { masked, address: address.address, settings }));
}

/** Each outcome is recorded in one transaction: the message's row, its history, an opt-out, a fallback. */
function inTx(deps: SendDeps, work: (tx: Queryable) => Promise<void>): Promise<void> {
  return withTransaction(deps.db, work);
}

function sendSms(deps: SendDeps, m: ClaimedMessage, to: string, settings: CountrySettings): Promise<SendOutcome> {
  const statusCallback = `${deps.publicBaseUrl}/twilio/status?requestId=${m.request_id}`;
  return deps.sms.send({ to, from: settings.sms_sender, body: m.body_text, statusCallback });
}

function sendEmail(deps: SendDeps, m: ClaimedMessage, to: string, settings: CountrySettings): Promise<SendOutcome> {
  const token = signCustomerLink(deps.linkSecret, {
    purpose: 'unsubscribe',
    subjectId: m.request_id,
    serviceOrderId: m.service_order_id,
    expiresAt: new Date(deps.clock().getTime() + UNSUBSCRIBE_VALID_MS),
  });
  return deps.email.send({
    to,
    from: { email: settings.email_from, name: settings.email_from_name },
    subject: m.subject ?? '',
    text: m.body_text,
    html: m.body_html ?? m.body_text,
    customArgs: { requestId: m.request_id },
    // RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the URL.
    headers: { 'List-Unsubscribe': `<${deps.publicBaseUrl}/unsubscribe/${token}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    categories: [m.template_id],
  });
}

/** An unsubscribe link works for a year: mail is read late. */
const UNSUBSCRIBE_VALID_MS = 365 * 24 * 3_600_000;

async function settle(
  tx: Queryable,
  deps: SendDeps,
  m: ClaimedMessage,
  outcome: SendOutcome,
  to: { masked: string; address: string; settings: CountrySettings },
): Promise<void> {
  switch (outcome.outcome) {
    case 'accepted':
      return accepted(tx, deps, m, outcome, to.masked, to.settings);
    case 'permanent':
      if (outcome.code === '21610') await recordOptOut(tx, { channel: 'sms', address: to.address, scope: 'all', source: 'twilio-21610' });
      return fail(tx, deps, m, outcome, to.masked);
    case 'retry': {
      const account = m.channel === 'sms' ? deps.sms.account : deps.email.account;
      if (outcome.retryAfterMs !== undefined) await holdBack(tx, account, outcome.retryAfterMs);
      if (m.attempts >= deps.maxAttempts)
        return fail(tx, deps, m, { code: 'retries-exhausted', reason: `${m.attempts} attempts, the last: ${outcome.reason}` }, to.masked);
      const backoff = Math.min(deps.maxBackoffMs, deps.backoffMs * 2 ** (m.attempts - 1) * (0.8 + Math.random() * 0.4));
      const wait = Math.max(backoff, outcome.retryAfterMs ?? 0);
      return requeue(tx, deps, m, new Date(deps.clock().getTime() + wait), 'retry', { code: outcome.code, reason: outcome.reason });
    }
    case 'unknown':
      // The provider may have taken it: no resend until reconciled (./reconcile.ts).
      await tx.query(
        `UPDATE notify.messages SET lease_until = now() + make_interval(secs => $2 / 1000.0), destination_masked = $3, updated_at = now()
          WHERE request_id = $1 AND status = 'sending'`,
        [m.request_id, deps.reconcileAfterMs, to.masked],
      );
      await recordMessageEvent(tx, m.request_id, 'outcome-unknown', { code: outcome.code, reason: outcome.reason });
      deps.logger.warn('message send unanswered; to be reconciled', { requestId: m.request_id, code: outcome.code });
  }
}

async function accepted(
  tx: Queryable,
  deps: SendDeps,
  m: ClaimedMessage,
  a: Extract<SendOutcome, { outcome: 'accepted' }>,
  masked: string,
  settings: CountrySettings,
) {
  const cost = sendCost(m.channel, m.body_text, a, settings);
  // A status callback may already have moved it on (and set the provider's id): never backwards.
  await tx.query(
    `UPDATE notify.messages
        SET status = CASE WHEN status = 'sending' THEN 'sent' ELSE status END,
            provider = $2, provider_message_id = coalesce(provider_message_id, $3), lease_until = NULL,
            sent_at = coalesce(sent_at, now()), destination_masked = $4, segments = $5, encoding = $6,
            cost_micros = $7, cost_currency = $8, cost_source = $9, updated_at = now()
      WHERE request_id = $1`,
    [
      m.request_id,
      m.channel === 'sms' ? 'twilio' : 'sendgrid',
      a.providerMessageId,
      masked,
      cost.segments,
      cost.encoding,
      cost.micros,
      cost.currency,
      cost.source,
    ],
  );
  await recordMessageEvent(tx, m.request_id, 'sent', { providerMessageId: a.providerMessageId, status: a.status, to: masked, attempt: m.attempts });
}

async function fail(tx: Queryable, deps: SendDeps, m: ClaimedMessage, failure: { code: string; reason: string }, masked: string | undefined): Promise<void> {
  await tx.query(
    `UPDATE notify.messages SET status = 'failed', failure_code = $2, failure_reason = $3, lease_until = NULL,
            destination_masked = coalesce($4, destination_masked), updated_at = now()
      WHERE request_id = $1 AND status = 'sending'`,
    [m.request_id, failure.code, failure.reason, masked ?? null],
  );
  await recordMessageEvent(tx, m.request_id, 'failed', { code: failure.code, reason: failure.reason });
  deps.logger.info('message failed for good', { requestId: m.request_id, code: failure.code });
  if (m.channel === 'sms') await fallBackToEmail(tx, m.request_id, failure);
}

async function suppress(tx: Queryable, deps: SendDeps, m: ClaimedMessage, masked: string, optOut: { scope: string; source: string }): Promise<void> {
  await tx.query(
    `UPDATE notify.messages SET status = 'suppressed', failure_code = 'opted-out', failure_reason = $2, lease_until = NULL, destination_masked = $3, updated_at = now()
      WHERE request_id = $1 AND status = 'sending'`,
    [m.request_id, `opted out (${optOut.scope}, ${optOut.source})`, masked],
  );
  await recordMessageEvent(tx, m.request_id, 'suppressed', optOut);
  // What the customer cannot do without goes by the other channel (the rule in consent.ts).
  if (m.channel === 'sms' && m.kind === 'transactional') await fallBackToEmail(tx, m.request_id, { code: 'opted-out', reason: optOut.source });
}

async function requeue(tx: Queryable, deps: SendDeps, m: ClaimedMessage, until: Date, reason: string, detail: Record<string, unknown>): Promise<void> {
  await tx.query(
    `UPDATE notify.messages SET status = 'queued', not_before = $2, deferred_reason = $3::text, lease_until = NULL,
            attempts = CASE WHEN $3::text = 'quiet-hours' THEN attempts - 1 ELSE attempts END, updated_at = now()
      WHERE request_id = $1 AND status = 'sending'`,
    [m.request_id, until, reason],
  );
  await recordMessageEvent(tx, m.request_id, 'deferred', { reason, until: until.toISOString(), ...detail });
}
