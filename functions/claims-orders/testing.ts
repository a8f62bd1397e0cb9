import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { claimHistory, seedClaim, seedClaimableOrder, type ClaimableOrderOptions, type ClaimSeed } from '../../test/support/claims';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job, outboxOf, postJob, useOrderSeller } from '../../test/support/tv';
import { claimsOrdersFunction } from './function';

export type Variables = Record<string, unknown>;

export interface FollowUpRow {
  id: string;
  kind: string;
  status: string;
  origin_order_id: string | null;
  claim_id: string | null;
  sales_order_id: string;
  sales_system: string;
  country_code: string;
  customer_id: string;
  contract_status: string;
  installation_status: string;
  technical_visit_required: boolean;
  total_minor: number | null;
}

/**
 * claims-orders served on the test database; the claimed order sold through the real
 * order-intake, worked, accepted and closed (test/support/claims.ts) with the provider of its work
 * on it, claims written straight to claims.claims bound to an instance, jobs of the claim
 * process posted as the bridge posts them.
 */
export async function startClaimsOrdersHarness() {
  const db = useTestDb();
  const sell = await useOrderSeller(db);
  const url = await startFunction('claims-orders', claimsOrdersFunction({ db, logger: memoryLogger() }));

  /** Posts a job of the claim process (a fresh job key each time: a retry by the engine). */
  const run = (type: string, variables: Variables, processInstanceKey: string) =>
    postJob(url, job(type, variables, { bpmnProcessId: 'claim', processInstanceKey }));

  /** A claimed order whose work provider 1111 did (orders.service_orders.provider_id as dispatch leaves it). */
  async function claimableOrder(options: ClaimableOrderOptions = {}) {
    const order = await seedClaimableOrder(db, sell, options);
    await db.query('UPDATE orders.service_orders SET provider_id = COALESCE(provider_id, $2) WHERE id = $1', [order.id, options.providerId ?? DEV_PROVIDER_ID]);
    return order;
  }

  /** A covered claim on `orderId`, bound to a fresh process instance. */
  async function claimOn(orderId: string, seed: ClaimSeed = {}) {
    const processInstanceKey = `7${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    const claimId = await seedClaim(db, orderId, { processInstanceKey, entitlement: 'covered', warrantyCode: 'acabado', handling: 'warranty', ...seed });
    return { claimId, processInstanceKey, run: (type: string) => run(type, { claimId }, processInstanceKey) };
  }

  const orderRow = async (id: string) =>
    (
      await db.query<FollowUpRow>(
        `SELECT id, kind, status, origin_order_id, claim_id, sales_order_id, sales_system, country_code, customer_id, contract_status,
                installation_status, technical_visit_required, total_minor::float8 AS total_minor
           FROM orders.service_orders WHERE id = $1`,
        [id],
      )
    ).rows[0];

  /** The follow-up orders of a claimed order, oldest first. */
  const followUpsOf = async (originId: string) =>
    (await db.query<{ id: string; kind: string }>('SELECT id, kind FROM orders.service_orders WHERE origin_order_id = $1 ORDER BY sold_at, id', [originId]))
      .rows;

  const linesOf = async (orderId: string) =>
    (
      await db.query<{ line_no: number; service_product_code: string; unit_price_minor: number; list_price_minor: number; total_minor: number }>(
        `SELECT line_no, service_product_code, unit_price_minor::float8 AS unit_price_minor, list_price_minor::float8 AS list_price_minor,
                total_minor::float8 AS total_minor
           FROM orders.service_order_lines WHERE service_order_id = $1 ORDER BY line_no`,
        [orderId],
      )
    ).rows;

  const claimRow = async (claimId: string) =>
    (
      await db.query<{ status: string; expert_order_id: string | null; repair_order_id: string | null; decision: string | null; closed_at: Date | null }>(
        'SELECT status, expert_order_id, repair_order_id, decision, closed_at FROM claims.claims WHERE id = $1',
        [claimId],
      )
    ).rows[0]!;

  const historyOf = (claimId: string) => claimHistory(db, claimId);

  /** The outbox rows of an order of one CloudEvent type, oldest first. */
  const eventsOf = async (orderId: string, type: string) => (await outboxOf(db, orderId)).filter((e) => e.type === type);
  /** The messages asked for an order's customer: [templateId, parameters]. */
  const messagesOf = async (orderId: string) =>
    (await outboxOf(db, orderId)).filter((e) => e.type.startsWith('ahs.notify')).map((e) => [e.data.templateId, e.data.parameters]);

  return { db, url, run, claimableOrder, claimOn, orderRow, followUpsOf, linesOf, claimRow, historyOf, eventsOf, messagesOf };
}
