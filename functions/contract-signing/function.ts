import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeCloseContract } from './close';
import { makeRecordPaper } from './record-paper';
import { releaseInstallation } from './release';
import { remindCustomer } from './remind';
import { closeVariables, recordPaperVariables, releaseVariables, remindVariables, sendVariables } from './schema';
import { makeSendContract, type SendDeps } from './send';

export const NAME = 'contract-signing';

/**
 * contract-signing: the worker of the contract's signature tasks (bpmn/contract.bpmn): sends it
 * to Adobe Acrobat Sign, reminds the customer, records a paper signature, releases the
 * installation once signed, and closes a contract given up.
 */
export function contractSigningFunction(deps: { db: Db; logger: Logger } & SendDeps) {
  const clock = deps.clock ?? (() => new Date());
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock,
    jobs: [
      work('contract-send', sendVariables, makeSendContract(deps)),
      work('contract-remind', remindVariables, remindCustomer),
      work('contract-record-paper', recordPaperVariables, makeRecordPaper(clock)),
      work('contract-release', releaseVariables, releaseInstallation),
      work('contract-close', closeVariables, makeCloseContract({ esign: deps.esign, clock })),
    ],
  });
}
