import { randomUUID } from 'node:crypto';
import { DEFAULT_CLAIM_MAPPING, makeOidcAuthenticator } from '../../shared/auth';
import type { Db } from '../../shared/db';
import type { EmbeddedEngine } from '../../mesh/engine/engine';
import { startDevOidcProvider } from '../../mesh/oidc/dev-provider';
import { DEV_AUDIENCE, getDevToken } from '../../mesh/oidc/get-token';
import { DEV_PROVIDER_B_ID, type DevUserName } from '../../mesh/oidc/users';
import { seedClaimableOrder } from '../../test/support/claims';
import { TECH_2 } from '../../test/support/wcf';
import { kitchenSeller } from './flows';

/** A claimable order (accepted, signed, warranties running, closed) as the claims bench opens claims on it. */
export interface BenchClaimOrder {
  id: string;
}

/**
 * `count` orders sold through the real order-intake, worked, accepted and signed, warranties
 * started and closed, as test/support/claims.ts seedClaimableOrder seeds them (accepted
 * 2026-06-15: a claim on them is covered).
 */
export async function claimableOrders(db: Db, intakeUrl: string, count: number): Promise<BenchClaimOrder[]> {
  const sell = kitchenSeller(db, intakeUrl, 'C');
  const orders: BenchClaimOrder[] = [];
  for (let i = 0; i < count; i++) orders.push({ id: (await seedClaimableOrder(db, sell)).id });
  return orders;
}

/** The dev OpenID provider, the real OIDC authenticator pointed at it, and bearer tokens of seeded users (cached). */
export async function devIdentity() {
  const provider = await startDevOidcProvider({ port: 0, audience: DEV_AUDIENCE });
  const authenticator = makeOidcAuthenticator({ issuer: provider.issuer, audience: DEV_AUDIENCE, mapping: DEFAULT_CLAIM_MAPPING, allowInsecureRequests: true });
  const tokens = new Map<DevUserName, Promise<string>>();
  const bearer = async (user: DevUserName) => {
    let token = tokens.get(user);
    if (!token) {
      token = getDevToken(provider.issuer, user, DEV_AUDIENCE);
      tokens.set(user, token);
    }
    return `Bearer ${await token}`;
  };
  return { authenticator, bearer, close: () => provider.close() };
}

/** A write to the claims function as a dev user (a fresh Idempotency-Key); anything but `expected` throws. */
export async function callClaims(url: string, bearer: string, path: string, body: unknown, expected: number): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: bearer, 'content-type': 'application/json', 'idempotency-key': `bench-${randomUUID()}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== expected) throw new Error(`claims POST ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * What workflow-messages does for one correlation key: every workflow message the functions
 * requested (platform.outbox) and not relayed yet reaches the engine.
 */
export async function relayMessages(db: Db, engine: EmbeddedEngine, correlationKey: string, relayed: Set<string>) {
  const { rows } = await db.query<{ data: { name: string; correlationKey: string; messageId: string; variables: Record<string, unknown> } }>(
    `SELECT data FROM platform.outbox WHERE type = 'ahs.platform.workflow-message.requested' AND partition_key = $1 ORDER BY id`,
    [correlationKey],
  );
  for (const { data } of rows) {
    if (!data.messageId || relayed.has(data.messageId)) continue;
    relayed.add(data.messageId);
    await engine.publishMessage({
      name: data.name,
      correlationKey: data.correlationKey,
      variables: data.variables,
      messageId: data.messageId,
      timeToLiveMs: 3_600_000,
    });
  }
}

/** The claim's open user task `elementId`, polled every `everyMs` until the engine created it (60 s at most). */
export async function openUserTask(db: Db, claimId: string, elementId: string, everyMs = 5): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await db.query<{ key: string }>(
      `SELECT t.user_task_key::text AS key FROM engine.user_tasks t JOIN claims.claims c ON c.process_instance_key = t.process_instance_key::text
        WHERE c.id = $1 AND t.element_id = $2 AND t.state = 'CREATED'`,
      [claimId, elementId],
    );
    if (rows[0]) return rows[0].key;
    if (Date.now() > deadline) {
      const incidents = await db.query<{ error_message: string }>(`SELECT error_message FROM engine.incidents`);
      throw new Error(`no ${elementId} task for claim ${claimId}; incidents: ${JSON.stringify(incidents.rows.map((r) => r.error_message))}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The funnel gave the expert's visit to the second Madrid provider's technician (technician-b, tech-0002), confirmed. */
export async function assignExpert(db: Db, expertOrderId: string) {
  await db.query(
    `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, technician_id, source, status, confirmed_at)
     VALUES ($1, $2, $3, $4, 'manual', 'confirmed', NOW())`,
    [randomUUID(), expertOrderId, DEV_PROVIDER_B_ID, TECH_2],
  );
}
