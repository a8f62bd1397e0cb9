export interface MessageRow {
  request_id: string;
  fallback_of: string | null;
  recipient_kind: string;
  channel: string;
  template_id: string;
  template_version: number;
  locale: string;
  kind: string;
  status: string;
  not_before: Date;
  deferred_reason: string | null;
  destination_masked: string | null;
  subject: string | null;
  body_text: string;
  segments: number | null;
  /** Micro-units of cost_currency, as text (BIGINT). */
  cost_micros: string | null;
  cost_currency: string | null;
  cost_source: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
}

export interface EventRow {
  request_id: string;
  event: string;
  at: Date;
  detail: Record<string, unknown>;
}

/** One group of the cost report: a place, month and channel, one currency and cost source (null: not costed). */
export interface CostRow {
  country_code: string;
  business_unit_code: string | null;
  business_unit_name: string | null;
  month: string;
  channel: string;
  cost_currency: string | null;
  cost_source: 'provider' | 'tariff' | null;
  sent: number;
  failed: number;
  suppressed: number;
  segments: number;
  /** Sum of cost_micros, as text (NUMERIC). */
  cost_micros: string;
}

const time = (v: Date | null) => (v ? v.toISOString() : null);

/**
 * Micro-units (1/1,000,000) as a decimal string in the currency's major unit, exact (BigInt):
 * six decimals at most, trailing zeros trimmed down to two — 450000 → "0.45", 451000 → "0.451",
 * 75 → "0.000075", 12000000 → "12.00".
 */
export function formatMicros(micros: bigint | string): string {
  const value = BigInt(micros);
  const abs = value < 0n ? -value : value;
  const decimals = (abs % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${value < 0n ? '-' : ''}${(abs / 1_000_000n).toString()}.${decimals.padEnd(2, '0')}`;
}

/**
 * The customer's links in a text are credentials (answer the closing form, open a claim, the
 * survey, unsubscribe: a signed token `<payload>.<signature>` in the path): an operator reading
 * the message sees that a link was sent, not the token that would let them act as the customer.
 */
export function withoutLinkTokens(text: string): string {
  return text.replace(/\/[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}(?=[\s"'<>)]|$)/g, '/[token]');
}

/** A message as an operator reads it: where it went (masked), what it said (links without their tokens), what became of it and what it cost. No contact data. */
export function presentMessage(m: MessageRow, history: EventRow[]) {
  const queued = m.status === 'queued';
  return {
    requestId: m.request_id,
    channel: m.channel,
    recipientKind: m.recipient_kind,
    template: { id: m.template_id, version: m.template_version },
    locale: m.locale,
    kind: m.kind,
    status: m.status,
    destination: m.destination_masked,
    subject: m.subject,
    text: withoutLinkTokens(m.body_text),
    segments: m.segments,
    cost: m.cost_micros !== null && m.cost_currency ? { amount: formatMicros(m.cost_micros), currency: m.cost_currency, source: m.cost_source } : null,
    failure: m.failure_code || m.failure_reason ? { code: m.failure_code, reason: m.failure_reason } : null,
    fallbackOf: m.fallback_of,
    notBefore: queued ? time(m.not_before) : null,
    deferredReason: queued ? m.deferred_reason : null,
    createdAt: time(m.created_at),
    sentAt: time(m.sent_at),
    deliveredAt: time(m.delivered_at),
    history: history.map((e) => ({ event: e.event, at: time(e.at), detail: e.detail })),
  };
}
