import { esignNotificationReceived } from '../../events';
import type { Db } from '../../shared/db';
import type { ESignature } from '../../shared/esign';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { makeReadBack, processNotification } from './handler';

export const NAME = 'esign-notifications';

/** esign-notifications: contracts.esign-notification.received → the agreement's final status, read back from Adobe Sign. */
export function esignNotificationsFunction(deps: { db: Db; logger: Logger; esign: ESignature; clock?: () => Date }) {
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [on(esignNotificationReceived, processNotification, makeReadBack({ db: deps.db, esign: deps.esign }))],
  });
}
