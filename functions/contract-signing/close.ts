import type { z } from 'zod';
import { contractClosed } from '../../events';
import { informCustomer } from '../../shared/domain/messages';
import { ESignConflictError, type ESignature } from '../../shared/esign';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { lockContract } from './queries';
import type { closeVariables } from './schema';

/** What each closure leaves the contract as. */
const STATUS = { 'not-approved': 'not-approved', cancelled: 'cancelled', recalled: 'recalled', 'order-cancelled': 'cancelled' } as const;

/**
 * contract-close: the contract is given up unsigned — not approved, cancelled by an operator after
 * the customer declined or let it expire, recalled, or its order cancelled (then the agreement
 * still out for signature is recalled at Adobe first; one signed meanwhile is left as it is).
 * The order's contract block becomes `cancelled` (its installation cannot be booked), and
 * contracts.contract.closed is announced; the customer is told when an operator cancelled it.
 * A contract already closed: done, nothing announced twice.
 */
export function makeCloseContract(deps: { esign: ESignature; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());
  return async ({ contractId, orderId, closure }: z.infer<typeof closeVariables>, { tx, outbox, logger }: JobContext): Promise<JobOutcome> => {
    if (!contractId) return { kind: 'complete', variables: {} };
    const contract = await lockContract(tx, contractId);
    if (['not-approved', 'cancelled', 'recalled', 'signed'].includes(contract.status)) return { kind: 'complete', variables: {} };
    if (closure === 'order-cancelled' && contract.status === 'out-for-signature' && contract.agreement_id) {
      try {
        await deps.esign.recall(contract.agreement_id, { comment: 'The service order was cancelled.', notifyOthers: true });
      } catch (error) {
        if (!(error instanceof ESignConflictError)) throw error;
        logger.warn('the agreement of a cancelled order could not be recalled', { agreementId: contract.agreement_id, status: error.agreementStatus });
      }
      await tx.query(`UPDATE contracts.agreements SET status = 'RECALLED', updated_at = NOW() WHERE agreement_id = $1 AND status = 'OUT_FOR_SIGNATURE'`, [
        contract.agreement_id,
      ]);
    }
    await tx.query('UPDATE contracts.contracts SET status = $2, updated_at = NOW() WHERE id = $1', [contractId, STATUS[closure]]);
    await tx.query(
      `UPDATE orders.service_orders SET contract_status = 'cancelled', updated_at = NOW() WHERE id = $1 AND contract_status = 'awaiting-signature'`,
      [orderId],
    );
    await outbox.add(contractClosed, { contractId, serviceOrderId: orderId, closure, closedAt: now().toISOString() }, { subject: orderId });
    if (closure === 'cancelled') {
      await informCustomer(outbox, {
        serviceOrderId: orderId,
        customerId: contract.customer_id,
        hasEmail: contract.customer_email !== null,
        countryCode: contract.country_code,
        templateId: 'contract.cancelled',
        parameters: { orderReference: contract.sales_order_id },
      });
    }
    return { kind: 'complete', variables: {} };
  };
}
