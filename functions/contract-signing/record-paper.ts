import type { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { lockContract } from './queries';
import type { recordPaperVariables } from './schema';

/**
 * contract-record-paper: the operator had the contract signed on paper and uploaded its scan
 * (functions/contracts); the scan must be one of this contract's documents, else the BPMN error
 * PAPER_SCAN_MISSING gives the task back to the operator. The contract is then signed on paper.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function makeRecordPaper(clock: () => Date = () => new Date()) {
  return async ({ contractId, paperScanDocumentId }: z.infer<typeof recordPaperVariables>, { tx }: JobContext): Promise<JobOutcome> => {
    const contract = await lockContract(tx, contractId);
    if (contract.status === 'signed') return { kind: 'complete', variables: {} };
    const named = paperScanDocumentId && UUID.test(paperScanDocumentId) ? paperScanDocumentId : undefined;
    const { rows } = named
      ? await tx.query(`SELECT 1 FROM contracts.documents WHERE id = $1 AND contract_id = $2 AND kind = 'paper-scan'`, [named, contractId])
      : { rows: [] };
    if (rows.length === 0) {
      return {
        kind: 'bpmn-error',
        errorCode: bpmnErrors.paperScanMissing,
        message: paperScanDocumentId ? `document ${paperScanDocumentId} is not a paper scan of contract ${contractId}` : 'no paperScanDocumentId was given',
      };
    }
    await tx.query(`UPDATE contracts.contracts SET status = 'signed', signature_method = 'paper', signed_at = $2, updated_at = NOW() WHERE id = $1`, [
      contractId,
      clock(),
    ]);
    return { kind: 'complete', variables: {} };
  };
}
