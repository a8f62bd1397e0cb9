import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { canSee, type OrderPlace } from './scope';

export interface ContractRow extends OrderPlace {
  id: string;
  service_order_id: string;
  status: string;
  language: string;
  currency: string;
  list_price_minor: number;
  channel_adjustment_minor: number;
  tv_extra_cost_minor: number;
  total_minor: number;
  approval_required: boolean;
  phone_auth: boolean;
  attempt: number;
  agreement_id: string | null;
  signature_method: string | null;
  signed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface DocumentRow {
  id: string;
  contract_id: string;
  kind: string;
  object_key: string;
  sha256: string;
  size_bytes: number;
  content_type: string;
  retention_class: string;
  created_at: Date;
}

export interface AgreementEventRow {
  agreement_id: string;
  seq: number;
  type: string;
  occurred_at: Date;
  participant_role: string | null;
  ip_address: string | null;
  authentication_method: string | null;
  description: string | null;
}

const PLACE = `o.country_code, bu.code AS business_unit_code, s.code AS store_code`;
const ORDER = `orders.service_orders o
  JOIN org.business_units bu ON bu.id = o.business_unit_id
  JOIN org.stores s ON s.id = o.store_id`;
const CONTRACT_COLUMNS = `c.id, c.service_order_id, c.status, c.language, c.currency, c.list_price_minor::float8 AS list_price_minor,
  c.channel_adjustment_minor::float8 AS channel_adjustment_minor, c.tv_extra_cost_minor::float8 AS tv_extra_cost_minor,
  c.total_minor::float8 AS total_minor, c.approval_required, c.phone_auth, c.attempt, c.agreement_id, c.signature_method,
  c.signed_at, c.created_at, c.updated_at, ${PLACE}`;

/** The order's contracts, newest first; NotFoundError when the order is not the caller's to see. */
export async function listContracts(db: Queryable, principal: Principal, orderId: string): Promise<ContractRow[]> {
  const { rows: orders } = await db.query<OrderPlace>(`SELECT ${PLACE} FROM ${ORDER} WHERE o.id = $1`, [orderId]);
  const order = orders[0];
  if (!order || !canSee(principal, order)) throw new NotFoundError(`service order ${orderId} not found`);
  const { rows } = await db.query<ContractRow>(
    `SELECT ${CONTRACT_COLUMNS} FROM contracts.contracts c JOIN ${ORDER} ON o.id = c.service_order_id
      WHERE c.service_order_id = $1 ORDER BY c.created_at DESC, c.id DESC`,
    [orderId],
  );
  return rows;
}

/**
 * One contract, when the caller may see it; NotFoundError otherwise — another tenant's contract
 * answers exactly like one that does not exist. `lock` takes the contract FOR UPDATE (in a transaction).
 */
export async function findContract(db: Queryable, principal: Principal, contractId: string, options: { lock?: boolean } = {}): Promise<ContractRow> {
  const { rows } = await db.query<ContractRow>(
    `SELECT ${CONTRACT_COLUMNS} FROM contracts.contracts c JOIN ${ORDER} ON o.id = c.service_order_id
      WHERE c.id = $1 ${options.lock ? 'FOR UPDATE OF c' : ''}`,
    [contractId],
  );
  const row = rows[0];
  if (!row || !canSee(principal, row)) throw new NotFoundError(`contract ${contractId} not found`);
  return row;
}

/** The documents of these contracts, oldest first. */
export async function documentsOf(db: Queryable, contractIds: string[]): Promise<DocumentRow[]> {
  if (contractIds.length === 0) return [];
  const { rows } = await db.query<DocumentRow>(
    `SELECT id, contract_id, kind, object_key, sha256, size_bytes::float8 AS size_bytes, content_type, retention_class, created_at
       FROM contracts.documents WHERE contract_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    [contractIds],
  );
  return rows;
}

/** The contract's audit trail, in the order it happened (never the actors' email hashes). */
export async function agreementEventsOf(db: Queryable, contractId: string): Promise<AgreementEventRow[]> {
  const { rows } = await db.query<AgreementEventRow>(
    `SELECT agreement_id, seq, type, occurred_at, participant_role, ip_address, authentication_method, description
       FROM contracts.agreement_events WHERE contract_id = $1 ORDER BY occurred_at, agreement_id, seq`,
    [contractId],
  );
  return rows;
}

/** Our status of an e-signature agreement (contracts.agreements), undefined when we have no row for it. */
export async function agreementStatus(db: Queryable, agreementId: string, options: { lock?: boolean } = {}): Promise<string | undefined> {
  const { rows } = await db.query<{ status: string }>(`SELECT status FROM contracts.agreements WHERE agreement_id = $1 ${options.lock ? 'FOR UPDATE' : ''}`, [
    agreementId,
  ]);
  return rows[0]?.status;
}
