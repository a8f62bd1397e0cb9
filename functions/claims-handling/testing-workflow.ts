import { randomUUID } from 'node:crypto';
import { EngineClock } from '../../mesh/engine/clock';
import { DEV_PROVIDER_B_ID, type DevUserName } from '../../mesh/oidc/users';
import { signCustomerLink } from '../../shared/domain/customer-link';
import { claimHistory, seedClaimableOrder, type ClaimableOrderOptions } from '../../test/support/claims';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { useIsolatedDb } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { useTestEngine } from '../../test/support/engine';
import { useOrderSeller } from '../../test/support/tv';
import { TECH_2 } from '../../test/support/wcf';
import { claimsFunction } from '../claims/function';
import { claimsOrdersFunction } from '../claims-orders/function';
import { claimsHandlingFunction } from './function';

const LINK_SECRET = 'claim-workflow-test-link-secret-0123456789abcdef';

export type Json = Record<string, unknown>;

/**
 * bpmn/claim.bpmn in the embedded engine with the real claims (HTTP, dev identity),
 * claims-handling and claims-orders functions; the workflow messages relayed as
 * workflow-messages does; operators' completions made as operator-tasks makes them (with
 * `completedBy`); the engine's clock moved by the test. The expert's visit is assigned by SQL
 * (the funnel has its own tests).
 */
export async function startClaimWorld() {
  const db = useIsolatedDb();
  const logger = memoryLogger();
  const clock = new EngineClock();
  const now = () => new Date(clock.now());
  const urls: Record<string, string> = {
    'claims-handling': await startFunction('claims-handling', claimsHandlingFunction({ db, logger, clock: now })),
    'claims-orders': await startFunction('claims-orders', claimsOrdersFunction({ db, logger, clock: now })),
  };
  const identity = await useDevIdentity();
  const claimsUrl = await startFunction('claims', claimsFunction({ db, authenticator: identity.authenticator, logger, linkSecret: LINK_SECRET, clock: now }));
  const sell = await useOrderSeller(db);
  const flow = useTestEngine(db, { logger, clock, workers: urls });
  const { until } = flow;

  /** Calls the claims function as a dev user, or as the customer (no user) on their link. */
  async function call(method: string, path: string, user: DevUserName | undefined, body?: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': randomUUID() };
    if (user) headers.authorization = await identity.bearer(user);
    const response = await fetch(`${claimsUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** A Madrid kitchen whose work was accepted (warranties running from `acceptedOn`) and the customer's claim link. */
  async function closedOrder(options: ClaimableOrderOptions = {}) {
    const order = await seedClaimableOrder(db, sell, options);
    const link = signCustomerLink(LINK_SECRET, {
      purpose: 'claim',
      subjectId: order.id,
      serviceOrderId: order.id,
      expiresAt: new Date(now().getTime() + 30 * 86_400_000),
    });
    return { order, link };
  }

  const claimOf = async (claimId: string) =>
    (
      await db.query<Json & { status: string; expert_order_id: string | null; repair_order_id: string | null }>(
        `SELECT status, entitlement, warranty_code, handling, decision, refund_amount_minor::float8 AS refund_amount_minor, expert_order_id, repair_order_id, closed_at
           FROM claims.claims WHERE id = $1`,
        [claimId],
      )
    ).rows[0]!;

  /** The claim's open user task `elementId`, once the engine created it. */
  const openTask = (claimId: string, elementId: string) =>
    until(async () => {
      const { rows } = await db.query<{ user_task_key: string; candidate_groups: string[] }>(
        `SELECT t.user_task_key::text, t.candidate_groups FROM engine.user_tasks t JOIN claims.claims c ON c.process_instance_key = t.process_instance_key::text
          WHERE c.id = $1 AND t.element_id = $2 AND t.state = 'CREATED'`,
        [claimId, elementId],
      );
      return rows[0];
    });

  /** The claim's user tasks of `elementId` in any state (how many the model created). */
  const tasksOf = async (claimId: string, elementId: string) =>
    (
      await db.query<{ state: string }>(
        `SELECT t.state FROM engine.user_tasks t JOIN claims.claims c ON c.process_instance_key = t.process_instance_key::text
          WHERE c.id = $1 AND t.element_id = $2`,
        [claimId, elementId],
      )
    ).rows;

  /** An operator (subject) completes the claim's open task `elementId`, as operator-tasks does. */
  async function complete(claimId: string, elementId: string, variables: Json, subject = 'op-es-0001') {
    const task = await openTask(claimId, elementId);
    await flow.engine.completeUserTask(task.user_task_key, { ...variables, completedBy: subject });
  }

  /** The funnel gave the expert's visit to the second Madrid provider's technician (technician-b). */
  async function assignExpert(claimId: string) {
    const claim = await until(async () => {
      const c = await claimOf(claimId);
      return c.expert_order_id ? c : undefined;
    });
    await db.query(
      `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, technician_id, source, status, confirmed_at)
       VALUES ($1, $2, $3, $4, 'manual', 'confirmed', NOW())`,
      [randomUUID(), claim.expert_order_id, DEV_PROVIDER_B_ID, TECH_2],
    );
    return claim.expert_order_id!;
  }

  /** The claim's audit trail: [actor, action], in the order written. */
  const historyOf = async (claimId: string) => (await claimHistory(db, claimId)).map((h) => [h.actor, h.action]);

  return {
    db,
    clock,
    get engine() {
      return flow.engine;
    },
    until,
    call,
    closedOrder,
    claimOf,
    openTask,
    tasksOf,
    complete,
    assignExpert,
    historyOf,
  };
}
