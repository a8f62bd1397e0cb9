import type { Principal } from '../../shared/auth/principal';
import { officeTenantSql, ORDER_PLACE } from '../../shared/auth/tenant';
import type { Queryable } from '../../shared/db';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { ClaimRow } from './present';

/** A claim's columns (c) with its order's sales reference (o): the shape of ClaimRow. */
export const CLAIM_COLUMNS = `c.id, c.service_order_id, o.sales_order_id AS order_reference, c.status, c.category, c.description, c.photo_refs,
  to_char(c.discovered_on, 'YYYY-MM-DD') AS discovered_on, c.claimed_at, c.opened_via, c.opened_by, c.entitlement, c.warranty_code,
  c.handling, c.expert_order_id, c.findings, c.recommendation, c.decision, c.refund_amount_minor::float8 AS refund_amount_minor,
  c.currency, c.decision_reason, c.repair_order_id, c.acknowledged_at, c.decided_at, c.closed_at, c.process_instance_key`;

/** A claim by id, whoever asks (after a write the caller was allowed to make). */
export async function claimById(db: Queryable, claimId: string): Promise<ClaimRow> {
  const { rows } = await db.query<ClaimRow>(
    `SELECT ${CLAIM_COLUMNS} FROM claims.claims c JOIN orders.service_orders o ON o.id = c.service_order_id WHERE c.id = $1`,
    [claimId],
  );
  if (!rows[0]) throw new NotFoundError(`claim ${claimId} not found`);
  return rows[0];
}

/** An order a claim is opened on, with where it belongs (the workflow's variables). */
export interface ClaimedOrder {
  id: string;
  kind: string;
  country: string;
  businessUnit: string;
  store: string;
  accepted: boolean;
}

/**
 * The order a claim is opened on: within the office caller's tenant (`principal`), or any order
 * (null: the customer's link names it). NotFoundError when there is none; 409
 * `order-not-accepted` unless it is an installation whose work the customer accepted (its
 * warranties started, or the order closed).
 */
export async function claimableOrder(db: Queryable, principal: Principal | null, orderId: string): Promise<ClaimedOrder> {
  const params: unknown[] = [orderId];
  const scope = principal ? officeTenantSql(principal, params) : 'TRUE';
  const {
    rows: [order],
  } = await db.query<ClaimedOrder>(
    `SELECT o.id, o.kind, o.country_code AS country, bu.code AS "businessUnit", s.code AS store,
            (o.closed_at IS NOT NULL OR EXISTS (SELECT 1 FROM wcf.warranties w WHERE w.service_order_id = o.id)) AS accepted
       FROM ${ORDER_PLACE} WHERE o.id = $1 AND ${scope}`,
    params,
  );
  if (!order) throw new NotFoundError(`service order ${orderId} not found`);
  if (order.kind !== 'installation')
    throw new ConflictError(`service order ${orderId} is a ${order.kind} order: claims are opened on installations`, 'order-not-accepted');
  if (!order.accepted)
    throw new ConflictError(`the work of service order ${orderId} has not been accepted: there is nothing to claim on yet`, 'order-not-accepted');
  return order;
}
