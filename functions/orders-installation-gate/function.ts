import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { makeCancelInstallation, makeUnblockInstallation, type GateDeps } from './handler';
import { cancelVariables, unblockVariables } from './schema';

export const NAME = 'orders-installation-gate';

/**
 * orders-installation-gate: the worker of task types orders-unblock-installation and
 * orders-cancel-installation (bpmn/technical-visit.bpmn): opens or closes the installation
 * block a technical visit holds on its service order.
 */
export function ordersInstallationGateFunction(deps: { db: Db; logger: Logger } & GateDeps) {
  return makeWorkerFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    jobs: [
      work('orders-unblock-installation', unblockVariables, makeUnblockInstallation(deps)),
      work('orders-cancel-installation', cancelVariables, makeCancelInstallation(deps)),
    ],
  });
}
