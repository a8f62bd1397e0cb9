import { randomUUID } from 'node:crypto';
import type { DevUserName } from '../../mesh/oidc/users';
import type { Authenticator, Principal } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { useOrderSeller } from '../../test/support/tv';
import { notifyMessagesFunction } from './function';

export type Json = Record<string, unknown>;
/** A caller: a seeded dev user, `admin-es` (an admin of Spain only, which the dev provider has not), or nobody. */
export type Caller = DevUserName | 'admin-es' | undefined;

const ADMIN_ES: Principal = { subject: 'admin-es-0001', roles: ['admin'], scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: null } };

/** A sold order and where it belongs. */
export interface PlacedOrder {
  id: string;
  country: string;
  businessUnitId: string;
}

export interface MessageSeed {
  channel?: 'sms' | 'email';
  status?: string;
  recipientKind?: 'customer' | 'provider' | 'technician';
  templateId?: string;
  subject?: string | null;
  text?: string;
  destination?: string | null;
  segments?: number | null;
  cost?: { micros: number; currency: string; source: 'provider' | 'tariff' } | null;
  failure?: { code: string; reason: string } | null;
  fallbackOf?: string | null;
  notBefore?: Date;
  deferredReason?: string | null;
  createdAt: Date;
  sentAt?: Date | null;
  deliveredAt?: Date | null;
  /** Where it was sent for, when not the order's place (country, business unit id or null). */
  country?: string;
  businessUnitId?: string | null;
}

/** A message row as notify-sender leaves it, written straight to notify.messages; its request id. */
export async function seedMessage(db: Db, order: PlacedOrder, m: MessageSeed): Promise<string> {
  const requestId = randomUUID();
  const channel = m.channel ?? 'sms';
  await db.query(
    `INSERT INTO notify.messages (request_id, fallback_of, recipient_kind, service_order_id, country_code, business_unit_id, channel, template_id,
       template_version, locale, kind, priority, parameters, subject, body_text, status, not_before, deferred_reason, destination_masked, provider,
       segments, cost_micros, cost_currency, cost_source, failure_code, failure_reason, created_at, sent_at, delivered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 3, 'es-ES', 'transactional', 0, '{}', $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
    [
      requestId,
      m.fallbackOf ?? null,
      m.recipientKind ?? 'customer',
      order.id,
      m.country ?? order.country,
      m.businessUnitId === undefined ? order.businessUnitId : m.businessUnitId,
      channel,
      m.templateId ?? 'appointment.confirmed',
      m.subject ?? null,
      m.text ?? 'AHS: su cita es el 3 de diciembre.',
      m.status ?? 'delivered',
      m.notBefore ?? m.createdAt,
      m.deferredReason ?? null,
      m.destination === undefined ? '+34 6•• ••• •12' : m.destination,
      channel === 'sms' ? 'twilio' : 'sendgrid',
      m.segments === undefined ? (channel === 'sms' ? 1 : null) : m.segments,
      m.cost?.micros ?? null,
      m.cost?.currency ?? null,
      m.cost?.source ?? null,
      m.failure?.code ?? null,
      m.failure?.reason ?? null,
      m.createdAt,
      m.sentAt ?? null,
      m.deliveredAt ?? null,
    ],
  );
  return requestId;
}

/** One line of a message's history. */
export async function seedEvent(db: Db, requestId: string, event: string, at: Date, detail: Json = {}): Promise<void> {
  await db.query('INSERT INTO notify.message_events (request_id, event, at, detail) VALUES ($1, $2, $3, $4)', [requestId, event, at, JSON.stringify(detail)]);
}

/**
 * notify-messages served with the real dev OpenID provider and database (plus `admin-es`, a
 * fixed token), a clock tests may set, and orders sold through the real order-intake.
 */
export async function startNotifyMessagesHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const sell = await useOrderSeller(db);
  const authenticator: Authenticator = {
    authenticate: (authorization) => (authorization === 'Bearer admin-es' ? Promise.resolve(ADMIN_ES) : identity.authenticator.authenticate(authorization)),
  };
  let now: Date | undefined;
  const url = await startFunction('notify-messages', notifyMessagesFunction({ db, authenticator, logger: memoryLogger(), clock: () => now ?? new Date() }));

  async function call(path: string, caller: Caller): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = {};
    if (caller) headers.authorization = caller === 'admin-es' ? 'Bearer admin-es' : await identity.bearer(caller);
    const response = await fetch(`${url}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** Sells an order (Pyxis ES unless told), moved to another store when told (its code), and where it belongs. */
  async function order(fixture: Parameters<typeof sell>[0] = 'pyxis-created', storeCode?: string): Promise<PlacedOrder> {
    const { id } = await sell(fixture);
    if (storeCode) {
      await db.query(
        `UPDATE orders.service_orders o SET store_id = s.id, business_unit_id = s.business_unit_id FROM org.stores s WHERE o.id = $1 AND s.code = $2`,
        [id, storeCode],
      );
    }
    const { rows } = await db.query<{ country_code: string; business_unit_id: string }>(
      'SELECT country_code, business_unit_id FROM orders.service_orders WHERE id = $1',
      [id],
    );
    return { id, country: rows[0]!.country_code, businessUnitId: rows[0]!.business_unit_id };
  }

  return {
    db,
    call,
    order,
    message: (o: PlacedOrder, m: MessageSeed) => seedMessage(db, o, m),
    event: (requestId: string, event: string, at: Date, detail?: Json) => seedEvent(db, requestId, event, at, detail),
    setNow: (date: Date | undefined) => {
      now = date;
    },
  };
}
