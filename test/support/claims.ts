import { randomUUID } from 'node:crypto';
import { DEV_PROVIDER_B_ID } from '../../mesh/oidc/users';
import type { Db } from '../../shared/db';
import { startWarranties, type Warranty } from '../../shared/domain/warranties';
import type { PyxisFixture, TempoFixture } from '../fixtures/sales';
import type { SoldOrder } from './tv';
import { seedForm, seedWorkedOrder, TECH_2, type WorkedOrder } from './wcf';

/**
 * What the claims tests share: an order whose work the customer accepted (closing form answered
 * and signed, warranties started, order closed), claims on it written straight to claims.claims,
 * and the expert's visit on a claim (a service order of kind 'claim-visit' assigned to a provider).
 */

type Sell = (fixture?: PyxisFixture | TempoFixture) => Promise<SoldOrder>;

export interface ClaimableOrder extends WorkedOrder {
  countryCode: string;
  businessUnitCode: string;
  storeCode: string;
  /** The subject (`sub`) of the technician who did the work. */
  technicianSubject: string | null;
  closingFormId: string;
  /** YYYY-MM-DD: when the customer accepted the work (the warranties start on it). */
  acceptedOn: string;
  warranties: Warranty[];
}

export interface ClaimableOrderOptions {
  fixture?: PyxisFixture | TempoFixture;
  providerId?: string;
  technicianId?: string;
  /** YYYY-MM-DD, 2026-06-15 unless told. */
  acceptedOn?: string;
}

/** A worked order (seedWorkedOrder) whose closing form was accepted and signed, warranties started and the order closed. */
export async function seedClaimableOrder(db: Db, sell: Sell, options: ClaimableOrderOptions = {}): Promise<ClaimableOrder> {
  const order = await seedWorkedOrder(db, sell, options);
  const acceptedOn = options.acceptedOn ?? '2026-06-15';
  const closingFormId = await seedForm(db, order.id, { status: 'signed', answer: 'accepted' });
  const warranties = await startWarranties(db, { serviceOrderId: order.id, acceptedOn, formId: closingFormId });
  await db.query(`UPDATE orders.service_orders SET closed_at = $2 WHERE id = $1`, [order.id, new Date(`${acceptedOn}T15:00:00Z`)]);
  const { rows } = await db.query<{ country_code: string; bu_code: string; store_code: string; technician_subject: string | null }>(
    `SELECT o.country_code, bu.code AS bu_code, s.code AS store_code, t.subject AS technician_subject
       FROM orders.service_orders o
       JOIN org.business_units bu ON bu.id = o.business_unit_id
       JOIN org.stores s ON s.id = o.store_id
       LEFT JOIN dispatch.technicians t ON t.id = $2
      WHERE o.id = $1`,
    [order.id, order.technicianId],
  );
  const place = rows[0]!;
  return {
    ...order,
    countryCode: place.country_code,
    businessUnitCode: place.bu_code,
    storeCode: place.store_code,
    technicianSubject: place.technician_subject,
    closingFormId,
    acceptedOn,
    warranties,
  };
}

export type ClaimStatus =
  'received' | 'acknowledged' | 'investigating' | 'deciding' | 'awaiting-approval' | 'repair-ordered' | 'refunded' | 'rejected' | 'withdrawn';

export interface ClaimSeed {
  openedVia?: 'operator' | 'customer-link';
  /** The operator's subject (op-es-0001 unless told; ignored for a customer-link claim). */
  openedBy?: string;
  category?: 'defect' | 'damage' | 'malfunction' | 'leak' | 'finishing' | 'other';
  description?: string;
  claimedAt?: Date;
  status?: ClaimStatus;
  entitlement?: 'covered' | 'out-of-warranty';
  warrantyCode?: string;
  handling?: 'warranty' | 'goodwill' | 'billable';
  expertOrderId?: string;
  findings?: string;
  recommendation?: 'repair' | 'refund' | 'reject';
  decision?: 'repair' | 'refund' | 'reject';
  refundAmountMinor?: number;
  currency?: string;
  decisionReason?: string;
  repairOrderId?: string;
  decidedAt?: Date;
  acknowledgedAt?: Date;
  closedAt?: Date;
  processInstanceKey?: string;
}

/**
 * A claim on an order, written straight to claims.claims (an operator's 'defect' claim, received
 * now, unless told). The table's CHECKs apply: a covered entitlement needs its warranty code, a
 * decision its date (set to now unless given), a refund its amount and currency.
 */
export async function seedClaim(db: Db, orderId: string, seed: ClaimSeed = {}): Promise<string> {
  const id = randomUUID();
  const openedVia = seed.openedVia ?? 'operator';
  const status = seed.status ?? 'received';
  const decidedAt = seed.decision ? (seed.decidedAt ?? new Date()) : null;
  const acknowledged = seed.acknowledgedAt ?? (status === 'received' ? null : new Date());
  const closed = seed.closedAt ?? (['refunded', 'rejected', 'withdrawn'].includes(status) ? new Date() : null);
  await db.query(
    `INSERT INTO claims.claims (id, service_order_id, process_instance_key, opened_via, opened_by, category, description, claimed_at, status,
                                entitlement, warranty_code, handling, expert_order_id, findings, recommendation, decision,
                                refund_amount_minor, currency, decision_reason, repair_order_id, acknowledged_at, decided_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
    [
      id,
      orderId,
      seed.processInstanceKey ?? null,
      openedVia,
      openedVia === 'operator' ? (seed.openedBy ?? 'op-es-0001') : null,
      seed.category ?? 'defect',
      seed.description ?? 'The worktop joint lets water through',
      seed.claimedAt ?? new Date(),
      status,
      seed.entitlement ?? null,
      seed.warrantyCode ?? null,
      seed.handling ?? null,
      seed.expertOrderId ?? null,
      seed.findings ?? null,
      seed.recommendation ?? null,
      seed.decision ?? null,
      seed.refundAmountMinor ?? null,
      seed.currency ?? null,
      seed.decisionReason ?? null,
      seed.repairOrderId ?? null,
      acknowledged,
      decidedAt,
      closed,
    ],
  );
  return id;
}

export interface ExpertOrderOptions {
  /** The expert's provider: 2222 (not the provider of the claimed work) unless told. */
  providerId?: string;
  /** The assigned technician (dispatch.technicians id): tech-0002 of 2222 unless told. */
  technicianId?: string;
}

export interface ExpertOrder {
  orderId: string;
  providerId: string;
  technicianSubject: string;
}

/**
 * The expert's visit on a claim: a service order of kind 'claim-visit' (copying the claimed
 * order's place, customer, sales system and channel; sales order id = the origin's + '/CLAIM-1')
 * with a confirmed assignment to a provider and technician; sets the claim's expert_order_id.
 */
export async function seedExpertOrder(db: Db, claimId: string, originOrderId: string, options: ExpertOrderOptions = {}): Promise<ExpertOrder> {
  const orderId = randomUUID();
  const providerId = options.providerId ?? DEV_PROVIDER_B_ID;
  const technicianId = options.technicianId ?? TECH_2;
  await db.query(
    `INSERT INTO orders.service_orders (id, status, country_code, business_unit_id, store_id, customer_id, revision, technical_visit_required,
                                        contact_deadline, sold_at, sales_system, sales_channel, sales_order_id, contract_status,
                                        kind, origin_order_id, claim_id)
     SELECT $1, 'CREATED', o.country_code, o.business_unit_id, o.store_id, o.customer_id, 1, FALSE,
            NOW() + INTERVAL '2 days', NOW(), o.sales_system, o.sales_channel, o.sales_order_id || '/CLAIM-1', 'not-required',
            'claim-visit', o.id, $3
       FROM orders.service_orders o WHERE o.id = $2`,
    [orderId, originOrderId, claimId],
  );
  await db.query(
    `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, technician_id, source, status, confirmed_at)
     VALUES ($1, $2, $3, $4, 'manual', 'confirmed', NOW())`,
    [randomUUID(), orderId, providerId, technicianId],
  );
  await db.query(`UPDATE claims.claims SET expert_order_id = $2 WHERE id = $1`, [claimId, orderId]);
  const { rows } = await db.query<{ subject: string }>('SELECT subject FROM dispatch.technicians WHERE id = $1', [technicianId]);
  return { orderId, providerId, technicianSubject: rows[0]!.subject };
}

/** A claim's audit trail (claims.history), in the order it was written. */
export async function claimHistory(db: Db, claimId: string): Promise<{ actor: string; action: string; detail: Record<string, unknown> }[]> {
  const { rows } = await db.query<{ actor: string; action: string; detail: Record<string, unknown> }>(
    'SELECT actor, action, detail FROM claims.history WHERE claim_id = $1 ORDER BY id',
    [claimId],
  );
  return rows;
}
