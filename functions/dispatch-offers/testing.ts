import { randomUUID } from 'node:crypto';
import type { DevUserName } from '../../mesh/oidc/users';
import type { Db } from '../../shared/db';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { outboxOf, requestedMessages, useOrderSeller } from '../../test/support/tv';
import { dispatchOffersFunction } from './function';

export type Json = Record<string, unknown>;
export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

/** The dev technician tech-0001 of provider 1111 (every skill of the seeded catalogue). */
export const TECH_0001 = '7e000000-0000-4000-8000-000000000001';
/** tech-0002, of provider 2222. */
export const TECH_0002 = '7e000000-0000-4000-8000-000000000002';

/** dispatch-offers served with the real dev OpenID provider and database; offers and assignments seeded in SQL. */
export async function startDispatchOffersHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const sell = await useOrderSeller(db);
  const logger = memoryLogger();
  const url = await startFunction('dispatch-offers', dispatchOffersFunction({ db, authenticator: identity.authenticator, logger }));

  /** Calls the function as a dev user; writes get a fresh Idempotency-Key unless one is given (null: none). */
  async function call(
    method: string,
    path: string,
    user: DevUserName,
    body?: unknown,
    key: string | null = method === 'GET' ? null : newKey(),
  ): Promise<Answer> {
    const headers: Record<string, string> = { authorization: await identity.bearer(user) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== null) headers['idempotency-key'] = key;
    const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  }

  const events = async (orderId: string, type: string) => (await outboxOf(db, orderId)).filter((e) => e.type === type);
  const messagesFor = (orderId: string) => requestedMessages(db, orderId);
  return { db, identity, sell, logger, url, call, events, messagesFor };
}

export const newKey = () => `app-${randomUUID()}`;

export interface OfferSeed {
  providerId: string;
  dispatchId?: string;
  status?: 'open' | 'accepted' | 'declined' | 'expired' | 'superseded' | 'withdrawn';
  /** Milliseconds from now; negative for a deadline already passed. */
  expiresIn?: number;
}

/** A run of the funnel for the order, as its workers would write it. */
export async function seedDispatch(db: Db, orderId: string): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO dispatch.dispatches (id, service_order_id, status) VALUES ($1, $2, 'offering')`, [id, orderId]);
  return id;
}

/** An offer of the order to a provider (in a new run unless `dispatchId` is given). */
export async function seedOffer(db: Db, orderId: string, seed: OfferSeed): Promise<string> {
  const id = randomUUID();
  const dispatchId = seed.dispatchId ?? (await seedDispatch(db, orderId));
  await db.query(
    `INSERT INTO dispatch.offers (id, dispatch_id, service_order_id, provider_id, status, expires_at, score, explanation)
     VALUES ($1, $2, $3, $4, $5, $6, 0.8125, '{"zonePriority":1}')`,
    [id, dispatchId, orderId, seed.providerId, seed.status ?? 'open', new Date(Date.now() + (seed.expiresIn ?? 3_600_000))],
  );
  return id;
}

/** A live (or cancelled) assignment of the order to a provider. */
export async function seedAssignment(
  db: Db,
  orderId: string,
  seed: { providerId: string; status?: 'confirmed' | 'cancelled'; technicianId?: string },
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, technician_id, source, status, confirmed_at, cancelled_at)
     VALUES ($1, $2, $3, $4, 'offer', $5, NOW(), $6)`,
    [id, orderId, seed.providerId, seed.technicianId ?? null, seed.status ?? 'confirmed', seed.status === 'cancelled' ? new Date() : null],
  );
  return id;
}

/** A technician of a provider with the given skills (a unique subject). */
export async function seedTechnician(db: Db, providerId: string, seed: { skills: string[]; active?: boolean }): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO dispatch.technicians (id, provider_id, subject, display_name, skills, zones, active) VALUES ($1, $2, $3, 'Test Technician', $4, '{28}', $5)`,
    [id, providerId, `tech-${id}`, seed.skills, seed.active ?? true],
  );
  return id;
}

export async function offerRow(db: Db, offerId: string) {
  const {
    rows: [row],
  } = await db.query<{ status: string; answered_by: string | null; decline_reason: string | null; decline_comment: string | null }>(
    'SELECT status, answered_by, decline_reason, decline_comment FROM dispatch.offers WHERE id = $1',
    [offerId],
  );
  return row;
}
