import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { ConflictError } from '../../shared/errors';
import { ESignConflictError } from '../../shared/esign';
import type { Recaller } from './config';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { agreementStatus, findContract, type ContractRow } from './queries';
import type { RecallBody } from './schema';

/** What the recall did at Adobe before its transaction. */
export interface RecallPrepared {
  /** The agreement recalled at Adobe (or found already cancelled there); undefined: nothing was out for signature. */
  recalled: string | undefined;
}

const notCancellable = (contractId: string) =>
  new ConflictError(`contract ${contractId} is signed: its agreement cannot be recalled`, 'agreement-not-cancellable');
const notOut = (c: ContractRow) => new ConflictError(`contract ${c.id} is ${c.status}: nothing is out for signature`, 'contract-not-out-for-signature');

/**
 * Recalls the agreement a contract has out for signature, at Adobe first, outside any
 * transaction (no connection waits on Adobe). Safe to repeat, as the route's `prepare` must be:
 * an agreement we no longer have out for signature is not recalled again (a retried request
 * then gets its stored answer), and one Adobe already cancelled (an earlier try whose
 * transaction did not commit) counts as recalled. A signed contract — ours, or Adobe's answer
 * (ESignConflictError) — is 409 `agreement-not-cancellable`.
 */
export async function recallAtAdobe(
  deps: { db: Queryable; esign: Recaller },
  principal: Principal,
  contractId: string,
  body: RecallBody,
): Promise<RecallPrepared> {
  const contract = await findContract(deps.db, principal, contractId);
  if (contract.status === 'signed') throw notCancellable(contractId);
  const agreementId = contract.agreement_id;
  if (contract.status !== 'out-for-signature' || !agreementId) return { recalled: undefined };
  const ours = await agreementStatus(deps.db, agreementId);
  if (ours === 'SIGNED') throw notCancellable(contractId);
  if (ours !== 'OUT_FOR_SIGNATURE') return { recalled: undefined };
  try {
    await deps.esign.recall(agreementId, { comment: body.comment, notifyOthers: true });
  } catch (error) {
    if (!(error instanceof ESignConflictError && error.agreementStatus === 'CANCELLED')) throw error;
  }
  return { recalled: agreementId };
}

/**
 * In the transaction, once Adobe recalled it: our agreement is RECALLED and the contract
 * workflow is told (message contract-agreement-settled, correlated by the contract id), after
 * the commit. A contract not (or no longer) out for signature is 409 `contract-not-out-for-signature`.
 */
export async function recordRecall({ tx, outbox, now }: WriteContext, principal: Principal, contractId: string, prepared: RecallPrepared) {
  const contract = await findContract(tx, principal, contractId, { lock: true });
  if (contract.status === 'signed') throw notCancellable(contractId);
  const agreementId = contract.agreement_id;
  if (contract.status !== 'out-for-signature' || !agreementId || prepared.recalled !== agreementId) throw notOut(contract);
  const ours = await agreementStatus(tx, agreementId, { lock: true });
  if (ours === 'SIGNED') throw notCancellable(contractId);
  if (ours !== 'OUT_FOR_SIGNATURE') throw notOut(contract);
  await tx.query(`UPDATE contracts.agreements SET status = 'RECALLED', updated_at = $2 WHERE agreement_id = $1 AND status = 'OUT_FOR_SIGNATURE'`, [
    agreementId,
    now,
  ]);
  await requestWorkflowMessage(
    outbox,
    messages.contractAgreementSettled,
    contractId,
    { agreementId, agreementStatus: 'RECALLED' },
    { messageId: `contract-recalled:${agreementId}` },
  );
  return { contractId, agreementId, agreementStatus: 'RECALLED', recalledAt: now.toISOString() };
}
