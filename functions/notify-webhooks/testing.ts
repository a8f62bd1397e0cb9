import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { signCustomerLink, type CustomerLinkPurpose } from '../../shared/domain/customer-link';
import { signLink } from '../../shared/domain/signed-link';
import type { Queryable } from '../../shared/db';
import { twilioSignature } from '../../shared/notify/signatures';
import { unique, useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { notifyWebhooksFunction } from './function';

export const TWILIO_TOKEN = 'test-twilio-auth-token';
export const LINK_SECRET = 'test-customer-link-secret-0123456789abcdef';
/** The URL Twilio and mail clients reach, in front of the ingress: not the URL the tests call. */
export const PUBLIC_BASE_URL = 'https://notify.ahs.example.com';

/** notify-webhooks on the test database, with a SendGrid key pair of its own and a clock tests may set. */
export async function startNotifyWebhooks() {
  const db = useTestDb();
  const logger = memoryLogger();
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let now: Date | undefined;
  const url = await startFunction(
    'notify-webhooks',
    notifyWebhooksFunction({
      db,
      logger,
      twilioAuthToken: TWILIO_TOKEN,
      sendGridPublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      publicBaseUrl: PUBLIC_BASE_URL,
      linkSecret: LINK_SECRET,
      signatureToleranceS: 600,
      clock: () => now ?? new Date(),
    }),
  );

  /** POSTs a form as Twilio does: signed over the public URL unless told `signedUrl` or `signature`. */
  async function twilio(pathAndQuery: string, params: Record<string, string>, options: { signedUrl?: string; signature?: string | null } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const signature =
      options.signature === undefined ? twilioSignature(TWILIO_TOKEN, options.signedUrl ?? `${PUBLIC_BASE_URL}${pathAndQuery}`, params) : options.signature;
    if (signature !== null) headers['x-twilio-signature'] = signature;
    const response = await fetch(`${url}${pathAndQuery}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  }

  /** POSTs a batch as SendGrid does: signed over timestamp + body with the account's key, timestamped now unless told. */
  async function sendGrid(events: unknown[], options: { timestamp?: number; tamper?: (body: string) => string; unsigned?: boolean } = {}) {
    const body = JSON.stringify(events);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), privateKey).toString('base64');
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': timestamp };
    if (!options.unsigned) headers['x-twilio-email-event-webhook-signature'] = signature;
    const response = await fetch(`${url}/sendgrid/events`, { method: 'POST', headers, body: options.tamper ? options.tamper(body) : body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  return { db, logger, url, twilio, sendGrid, setNow: (at: Date | undefined) => (now = at) };
}

export interface MessageSeed {
  channel?: 'sms' | 'email';
  status?: string;
  providerMessageId?: string | null;
  customerId?: string;
  locale?: string;
  kind?: 'transactional' | 'informational';
}

/** A message as notify-sender leaves it (no order needed: notify.messages has no foreign key to orders). */
export async function seedMessage(db: Queryable, seed: MessageSeed = {}): Promise<string> {
  const requestId = randomUUID();
  await db.query(
    `INSERT INTO notify.messages (request_id, recipient_kind, customer_id, service_order_id, country_code, channel, template_id, template_version,
        locale, kind, priority, parameters, body_text, status, not_before, provider, provider_message_id)
     VALUES ($1, 'customer', $2, $3, 'ES', $4, 'appointment-reminder', 1, $5, $6, 1, '{}', 'Su cita es mañana', $7, now(), $8, $9)`,
    [
      requestId,
      seed.customerId ?? randomUUID(),
      randomUUID(),
      seed.channel ?? 'sms',
      seed.locale ?? 'es-ES',
      seed.kind ?? 'informational',
      seed.status ?? 'sent',
      seed.providerMessageId ? (seed.channel === 'email' ? 'sendgrid' : 'twilio') : null,
      seed.providerMessageId ?? null,
    ],
  );
  return requestId;
}

/** A customer with an email address (the unsubscribe link and SendGrid events find it through the message). */
export async function seedCustomer(db: Queryable, email: string): Promise<string> {
  const key = unique();
  const {
    rows: [row],
  } = await db.query<{ id: string }>(
    `INSERT INTO orders.customers (sales_system, external_customer_id, country_code, full_name, phone, email, language, street, postal_code, city, address_key)
     VALUES ('TEST', $1, 'ES', 'Ana Pérez', '+34612345678', $2, 'es', 'Calle Mayor 1', '28013', 'Madrid', $1) RETURNING id`,
    [`notify-${key}`, email],
  );
  return row!.id;
}

export async function messageRow(db: Queryable, requestId: string) {
  const {
    rows: [row],
  } = await db.query<Record<string, unknown>>(
    'SELECT status, provider_message_id, failure_code, failure_reason, sent_at, delivered_at FROM notify.messages WHERE request_id = $1',
    [requestId],
  );
  return row;
}

export async function history(db: Queryable, requestId: string) {
  const { rows } = await db.query<{ event: string; detail: Record<string, unknown> }>(
    'SELECT event, detail FROM notify.message_events WHERE request_id = $1 ORDER BY id',
    [requestId],
  );
  return rows;
}

export async function optOut(db: Queryable, channel: 'sms' | 'email', address: string) {
  const {
    rows: [row],
  } = await db.query<{ scope: string; source: string }>('SELECT scope, source FROM notify.opt_outs WHERE channel = $1 AND address = $2', [channel, address]);
  return row;
}

/** A test phone number of its own (E.164, Spanish mobile range), so tests never share an opt-out. */
export const phone = () => `+346${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
export const email = () => `ana.${unique().toLowerCase()}@example.es`;
export const sid = (prefix = 'SM') => `${prefix}${randomUUID().replace(/-/g, '')}`;

/** The unsubscribe token as notify-sender signs it (a customer link, shared/domain/customer-link.ts) or in the short shape. */
export function unsubscribeToken(
  requestId: string,
  options: { expiresAt?: Date; shape?: 'customer-link' | 'short'; secret?: string; purpose?: CustomerLinkPurpose } = {},
) {
  const expiresAt = options.expiresAt ?? new Date(Date.now() + 86_400_000);
  const purpose = options.purpose ?? 'unsubscribe';
  const secret = options.secret ?? LINK_SECRET;
  if (options.shape === 'short') return signLink(secret, { purpose, requestId, exp: Math.floor(expiresAt.getTime() / 1000) });
  return signCustomerLink(secret, { purpose, subjectId: requestId, serviceOrderId: randomUUID(), expiresAt });
}
