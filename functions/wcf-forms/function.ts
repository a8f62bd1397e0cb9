import type { Db } from '../../shared/db';
import type { ESignature } from '../../shared/esign';
import type { Logger } from '../../shared/logging';
import type { ObjectStore } from '../../shared/object-storage';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeArchiveForm } from './archive';
import { makeCheckValidation } from './check-validation';
import type { LinkSettings } from './links';
import { makeOpenForm } from './open';
import { openLiftingForm } from './open-lifting';
import { makeRemindCustomer } from './remind';
import { archiveVariables, checkValidationVariables, openLiftingVariables, openVariables, remindVariables, sendVariables } from './schema';
import { makeSendForm } from './send';

export const NAME = 'wcf-forms';

export interface WcfFormsDeps {
  db: Db;
  logger: Logger;
  esign: ESignature;
  store: ObjectStore;
  link: LinkSettings;
  clock?: () => Date;
}

/**
 * wcf-forms: the worker of the Work Closing Form's documents (bpmn/wcf.bpmn): opens the closing
 * form and asks the customer, reminds them, renders and sends a form to Adobe Acrobat Sign
 * (customer, technician, store), keeps it once signed, checks the store's validation, opens the
 * lifting form of a re-work round.
 */
export function wcfFormsFunction(deps: WcfFormsDeps) {
  const clock = deps.clock ?? (() => new Date());
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock,
    jobs: [
      work('wcf-open', openVariables, makeOpenForm({ link: deps.link, clock })),
      work('wcf-remind', remindVariables, makeRemindCustomer({ link: deps.link, clock })),
      work('wcf-send', sendVariables, makeSendForm({ esign: deps.esign, store: deps.store, clock })),
      work('wcf-archive', archiveVariables, makeArchiveForm({ esign: deps.esign, store: deps.store, clock })),
      work('wcf-check-validation', checkValidationVariables, makeCheckValidation({ esign: deps.esign })),
      work('wcf-open-lifting', openLiftingVariables, openLiftingForm),
    ],
  });
}
