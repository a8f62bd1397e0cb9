import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeArchiveContract, type ArchiveDeps } from './archive';
import { makeDraftContract } from './draft';
import { archiveVariables, draftVariables } from './schema';

export const NAME = 'contract-documents';

/**
 * contract-documents: the worker of task types contract-draft and contract-archive
 * (bpmn/contract.bpmn): drafts the customer's contract PDF, and keeps the signed PDF, the audit
 * trail and its events once signed. The only function that bundles the PDF library.
 */
export function contractDocumentsFunction(deps: { db: Db; logger: Logger } & ArchiveDeps) {
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    jobs: [work('contract-draft', draftVariables, makeDraftContract(deps)), work('contract-archive', archiveVariables, makeArchiveContract(deps))],
  });
}
