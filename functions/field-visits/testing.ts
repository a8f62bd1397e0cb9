import { randomUUID } from 'node:crypto';
import type { DevUserName } from '../../mesh/oidc/users';
import { DEV_PROVIDER_B_ID, DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import type { PyxisFixture, TempoFixture } from '../../test/fixtures/sales';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { outboxOf, useOrderSeller } from '../../test/support/tv';
import { fieldVisitsFunction } from './function';

export type Json = Record<string, unknown>;
export interface Answer {
  status: number;
  body: Json;
  replayed: boolean;
}

/** The dev technicians (dispatch.technicians, seeded). */
export const TECH_1 = '7e000000-0000-4000-8000-000000000001';
export const TECH_2 = '7e000000-0000-4000-8000-000000000002';
export { DEV_PROVIDER_B_ID };

/** A 1×1 PNG as the app's canvas sends it. */
export const SIGNATURE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/**
 * A Monday far in the future, different for every call (within a run), so tests that fill a
 * technician's day never meet another test's appointments of the same (seeded) technician.
 */
export function uniqueMonday(): Date {
  const firstMonday = Date.UTC(2024, 0, 1);
  const weeks = 4000 + Math.floor(Math.random() * 250_000);
  return new Date(firstMonday + weeks * 7 * 86_400_000);
}
/** `day` (UTC midnight) at hh:mm UTC. */
export const at = (day: Date, hh: number, mm = 0) => new Date(day.getTime() + (hh * 60 + mm) * 60_000);

/** field-visits served with the real dev OpenID provider and database, and a clock tests may set. */
export async function startFieldVisitsHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const sell = await useOrderSeller(db);
  const logger = memoryLogger();
  let now: Date | undefined;
  const url = await startFunction('field-visits', fieldVisitsFunction({ db, authenticator: identity.authenticator, logger, clock: () => now ?? new Date() }));

  async function call(method: string, path: string, user: DevUserName, body?: unknown, key: string | null = randomUUID()): Promise<Answer> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: await identity.bearer(user),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key && method !== 'GET' ? { 'idempotency-key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }

  /**
   * An order with a live assignment (written straight to dispatch, as the dispatch workflow
   * would) to a provider and, unless null, one of its technicians. A Pyxis ES kitchen needs a
   * TV: `ready` (default) lifts the block as a positive TV would.
   */
  async function assignedOrder(
    options: { fixture?: PyxisFixture | TempoFixture; providerId?: string; technicianId?: string | null; ready?: boolean; cancelled?: boolean } = {},
  ) {
    const order = await sell(options.fixture ?? 'tempo-created-pl', options.cancelled ?? false);
    if (options.ready ?? true)
      await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = $1`, [order.id]);
    const assignmentId = randomUUID();
    await db.query(
      `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, technician_id, source, status, confirmed_at)
       VALUES ($1, $2, $3, $4, 'manual', 'confirmed', NOW())`,
      [assignmentId, order.id, options.providerId ?? DEV_PROVIDER_ID, options.technicianId === undefined ? TECH_1 : options.technicianId],
    );
    return { ...order, assignmentId };
  }

  /** An appointment written straight to field.appointments (booked, for the dev technician unless told). */
  async function bookedAppointment(startsAt: Date, options: { fixture?: PyxisFixture | TempoFixture; hours?: number } = {}) {
    const order = await assignedOrder({ fixture: options.fixture ?? 'pyxis-created' });
    const id = randomUUID();
    await db.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'booked')`,
      [id, order.id, order.assignmentId, TECH_1, startsAt, new Date(startsAt.getTime() + (options.hours ?? 2) * 3_600_000)],
    );
    return { id, orderId: order.id, customerId: order.customerId };
  }

  /** Events of one order in the outbox, of one CloudEvent type. */
  const eventsOf = async (orderId: string, type: string) => (await outboxOf(db, orderId)).filter((e) => e.type === type);

  return {
    url,
    db,
    identity,
    logger,
    call,
    assignedOrder,
    bookedAppointment,
    eventsOf,
    setNow: (date: Date | undefined) => {
      now = date;
    },
  };
}
