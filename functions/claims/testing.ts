import { randomUUID } from 'node:crypto';
import type { DevUserName } from '../../mesh/oidc/users';
import { signCustomerLink, type CustomerLinkPurpose } from '../../shared/domain/customer-link';
import {
  claimHistory,
  seedClaim,
  seedClaimableOrder,
  seedExpertOrder,
  type ClaimableOrderOptions,
  type ClaimSeed,
  type ExpertOrderOptions,
} from '../../test/support/claims';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, useOrderSeller } from '../../test/support/tv';
import { seedWorkedOrder } from '../../test/support/wcf';
import { claimsFunction } from './function';

export type Json = Record<string, unknown>;
export interface Answer {
  status: number;
  body: Json;
  replayed: boolean;
}

export const LINK_SECRET = 'test-customer-link-secret-0123456789abcdef';

/**
 * claims served with the real dev OpenID provider and database, a clock tests may set; orders
 * sold through the real order-intake, worked and accepted, claims and expert visits seeded by SQL
 * (test/support/claims.ts).
 */
export async function startClaimsHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const sell = await useOrderSeller(db);
  let now: Date | undefined;
  const clock = () => now ?? new Date();
  const url = await startFunction(
    'claims',
    claimsFunction({ db, authenticator: identity.authenticator, logger: memoryLogger(), linkSecret: LINK_SECRET, clock }),
  );

  /** Calls the function as a dev user (undefined: no token); writes get a fresh Idempotency-Key unless one is given (null: none). */
  async function call(
    method: string,
    path: string,
    user: DevUserName | undefined,
    body?: unknown,
    key: string | null = `app-${randomUUID()}`,
  ): Promise<Answer> {
    const headers: Record<string, string> = user ? { authorization: await identity.bearer(user) } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== null && method !== 'GET') headers['idempotency-key'] = key;
    const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }

  /** The customer's claim link to an order (purpose claim, subject the order, valid 30 days unless told). */
  const link = (order: { id: string }, options: { purpose?: CustomerLinkPurpose; expiresAt?: Date; secret?: string } = {}) =>
    signCustomerLink(options.secret ?? LINK_SECRET, {
      purpose: options.purpose ?? 'claim',
      subjectId: order.id,
      serviceOrderId: order.id,
      expiresAt: options.expiresAt ?? new Date(clock().getTime() + 30 * 86_400_000),
    });

  /** A claim under investigation with its expert visit assigned (provider 2222, tech-0002 unless told). */
  async function investigatedClaim(expert: ExpertOrderOptions = {}) {
    const order = await seedClaimableOrder(db, sell);
    const claimId = await seedClaim(db, order.id, {
      status: 'investigating',
      entitlement: 'covered',
      warrantyCode: order.warranties[0]!.code,
      handling: 'warranty',
    });
    return { order, claimId, expert: await seedExpertOrder(db, claimId, order.id, expert) };
  }

  return {
    url,
    db,
    call,
    link,
    investigatedClaim,
    claimableOrder: (options?: ClaimableOrderOptions) => seedClaimableOrder(db, sell, options),
    /** A worked order whose customer has not accepted the work yet. */
    workedOrder: () => seedWorkedOrder(db, sell),
    seedClaim: (orderId: string, seed?: ClaimSeed) => seedClaim(db, orderId, seed),
    messagesFor: (key: string) => requestedMessages(db, key),
    claimsOf: async (orderId: string) =>
      (await db.query<{ id: string; status: string }>('SELECT id, status FROM claims.claims WHERE service_order_id = $1 ORDER BY claimed_at', [orderId])).rows,
    historyOf: (claimId: string) => claimHistory(db, claimId),
    setNow: (date: Date | undefined) => {
      now = date;
    },
  };
}
