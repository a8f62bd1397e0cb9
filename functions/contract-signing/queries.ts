import type { DbClient } from '../../shared/db';
import { PermanentError } from '../../shared/errors';

export interface ContractRow {
  id: string;
  service_order_id: string;
  status: string;
  attempt: number;
  agreement_id: string | null;
  /** contracts.agreements' status of that agreement (OUT_FOR_SIGNATURE until a final one). */
  agreement_status: string | null;
  language: string;
  phone_auth: boolean;
  signature_method: 'e-signature' | 'paper' | null;
  signed_at: Date | null;
  country_code: string;
  order_status: 'CREATED' | 'CANCELLED';
  customer_id: string;
  customer_email: string | null;
  customer_phone: string | null;
  phone_prefix: string;
  sales_order_id: string;
}

/** The contract with what sending and telling the customer need, locked (FOR UPDATE) until the transaction ends. */
export async function lockContract(tx: DbClient, contractId: string): Promise<ContractRow> {
  const {
    rows: [row],
  } = await tx.query<ContractRow>(
    `SELECT k.id, k.service_order_id, k.status, k.attempt, k.agreement_id, a.status AS agreement_status, k.language, k.phone_auth, k.signature_method, k.signed_at,
            o.country_code, o.status AS order_status, o.customer_id, c.email AS customer_email, c.phone AS customer_phone, cn.phone_prefix, o.sales_order_id
       FROM contracts.contracts k
       JOIN orders.service_orders o ON o.id = k.service_order_id
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN org.countries cn ON cn.code = o.country_code
       LEFT JOIN contracts.agreements a ON a.agreement_id = k.agreement_id
      WHERE k.id = $1
        FOR UPDATE OF k`,
    [contractId],
  );
  if (!row) throw new PermanentError(`contract ${contractId} not found`, 'unknown-contract');
  return row;
}

export const setStatus = (tx: DbClient, contractId: string, status: string) =>
  tx.query('UPDATE contracts.contracts SET status = $2, updated_at = NOW() WHERE id = $1', [contractId, status]);

/** The latest draft PDF of a contract: its object key. */
export async function latestDraft(tx: DbClient, contractId: string): Promise<string> {
  const {
    rows: [row],
  } = await tx.query<{ object_key: string }>(
    `SELECT object_key FROM contracts.documents WHERE contract_id = $1 AND kind = 'draft' ORDER BY created_at DESC, object_key LIMIT 1`,
    [contractId],
  );
  if (!row) throw new PermanentError(`contract ${contractId} has no draft document`, 'no-draft');
  return row.object_key;
}
