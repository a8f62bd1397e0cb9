import type { z } from 'zod';
import { contractSigned } from '../../events';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { lockContract } from './queries';
import type { releaseVariables } from './schema';

/**
 * contract-release: the contract is signed (e-signature archived, or paper recorded): the order's
 * installation is no longer blocked by it (orders.service_orders.contract_status = signed), and
 * contracts.contract.signed is announced — once: a retried job finds the order already released.
 */
export async function releaseInstallation({ contractId }: z.infer<typeof releaseVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> {
  const contract = await lockContract(tx, contractId);
  if (contract.status !== 'signed' || !contract.signed_at || !contract.signature_method) {
    throw new PermanentError(`contract ${contractId} is ${contract.status}, not signed: the installation stays blocked`, 'contract-not-signed');
  }
  const {
    rows: [order],
  } = await tx.query<{ contract_status: string }>('SELECT contract_status FROM orders.service_orders WHERE id = $1 FOR NO KEY UPDATE', [
    contract.service_order_id,
  ]);
  if (order?.contract_status === 'signed') return { kind: 'complete', variables: {} };
  if (order?.contract_status !== 'awaiting-signature') {
    throw new PermanentError(`service order ${contract.service_order_id}'s contract is ${order?.contract_status ?? 'missing'}`, 'contract-not-awaited');
  }
  await tx.query(`UPDATE orders.service_orders SET contract_status = 'signed', updated_at = NOW() WHERE id = $1`, [contract.service_order_id]);
  await outbox.add(
    contractSigned,
    {
      contractId,
      serviceOrderId: contract.service_order_id,
      method: contract.signature_method,
      agreementId: contract.signature_method === 'e-signature' ? contract.agreement_id : null,
      signedAt: contract.signed_at.toISOString(),
    },
    { subject: contract.service_order_id },
  );
  return { kind: 'complete', variables: {} };
}
