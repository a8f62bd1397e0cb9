import { createHash } from 'node:crypto';
import type { Queryable } from '../db';
import type { ComposedMessage } from './compose';
import type { RecipientRef } from './contact';
import type { Channel } from './consent';
import type { Locale, TemplateParameters } from './render';

/** A message ready to go, as notify.messages holds it until it is sent. */
export interface MessageToQueue {
  requestId: string;
  fallbackOf?: string;
  recipient: RecipientRef;
  serviceOrderId: string;
  countryCode: string;
  businessUnitId: string | null;
  channel: Channel;
  templateId: string;
  locale: Locale;
  parameters: TemplateParameters;
  composed: ComposedMessage;
  notBefore: Date;
  deferredReason: string | null;
  collapseKey: string | null;
}

/** Transactional messages go ahead of informational (bulk) ones in every sender's queue. */
export const PRIORITY = { transactional: 0, informational: 1 } as const;

/**
 * Queues a message, once per request id: answers false when that request is already there (a
 * redelivered request), so nothing is queued twice.
 */
export async function enqueueMessage(db: Queryable, m: MessageToQueue): Promise<boolean> {
  const r = m.recipient;
  const { rowCount } = await db.query(
    `INSERT INTO notify.messages (request_id, fallback_of, recipient_kind, customer_id, provider_id, technician_id, service_order_id,
        country_code, business_unit_id, channel, template_id, template_version, locale, kind, priority, parameters, subject, body_text,
        body_html, status, not_before, deferred_reason, collapse_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'queued', $20, $21, $22)
     ON CONFLICT (request_id) DO NOTHING`,
    [
      m.requestId,
      m.fallbackOf ?? null,
      r.kind,
      r.kind === 'customer' ? r.customerId : null,
      r.kind === 'customer' ? null : r.providerId,
      r.kind === 'technician' ? r.technicianId : null,
      m.serviceOrderId,
      m.countryCode,
      m.businessUnitId,
      m.channel,
      m.templateId,
      m.composed.templateVersion,
      m.locale,
      m.composed.kind,
      PRIORITY[m.composed.kind],
      JSON.stringify(m.parameters),
      m.composed.subject,
      m.composed.text,
      m.composed.html,
      m.notBefore,
      m.deferredReason,
      m.collapseKey,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/** The request id of a message's fallback: derived from the original, so asking twice finds the same row. */
export function fallbackRequestId(requestId: string): string {
  const hex = createHash('sha256').update(`${requestId}:fallback:email`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The recipient of a stored message, as RecipientRef. */
export function recipientOf(row: {
  recipient_kind: string;
  customer_id: string | null;
  provider_id: string | null;
  technician_id: string | null;
}): RecipientRef {
  if (row.recipient_kind === 'customer') return { kind: 'customer', customerId: row.customer_id ?? '' };
  if (row.recipient_kind === 'technician') return { kind: 'technician', providerId: row.provider_id ?? '', technicianId: row.technician_id ?? '' };
  return { kind: 'provider', providerId: row.provider_id ?? '' };
}

/** The IANA time zone messages to a country are written in (instants in texts). */
export async function countryTimeZone(db: Queryable, countryCode: string): Promise<string> {
  const {
    rows: [row],
  } = await db.query<{ timezone: string }>('SELECT timezone FROM org.countries WHERE code = $1', [countryCode]);
  return row?.timezone ?? 'UTC';
}
