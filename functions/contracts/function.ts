import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import type { Recaller } from './config';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import type { ObjectStore } from '../../shared/object-storage';
import { downloadDocument } from './download';
import { recordPaperScan, storePaperScan } from './paper-scan';
import { presentContract, presentEvent } from './present';
import { agreementEventsOf, documentsOf, findContract, listContracts } from './queries';
import { recallAtAdobe, recordRecall } from './recall';
import { contractParams, documentParams, orderParams, paperScanBody, recallBody } from './schema';

export const NAME = 'contracts';

/** The office: operators and admins, each within their tenant (country / business unit / store). */
const OFFICE = ['operator', 'admin'] as const;

export interface ContractsDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
  esign: Recaller;
  /** Where the contracts' documents are kept (shared/object-storage). */
  documents: ObjectStore;
  clock?: () => Date;
}

/**
 * contracts: the office's view of the customers' pre-service contracts — an order's contracts,
 * one contract with its documents and audit trail, a document's bytes (checked against their
 * recorded SHA-256) — and two actions on the contract workflow: recall the agreement out for
 * signature, upload the scan of a contract signed on paper.
 */
export function contractsFunction(deps: ContractsDeps) {
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/orders/:orderId',
        roles: OFFICE,
        params: orderParams,
        handle: async ({ params, principal }) => {
          const contracts = await listContracts(deps.db, principal, params.orderId);
          const documents = await documentsOf(
            deps.db,
            contracts.map((c) => c.id),
          );
          return { items: contracts.map((c) => presentContract(c, documents)) };
        },
      }),
      route({
        method: 'GET',
        path: '/:contractId',
        roles: OFFICE,
        params: contractParams,
        handle: async ({ params, principal }) => {
          const contract = await findContract(deps.db, principal, params.contractId);
          const [documents, events] = await Promise.all([documentsOf(deps.db, [contract.id]), agreementEventsOf(deps.db, contract.id)]);
          return { ...presentContract(contract, documents), auditTrail: events.map(presentEvent) };
        },
      }),
      route({
        method: 'GET',
        path: '/:contractId/documents/:documentId',
        roles: OFFICE,
        params: documentParams,
        handle: ({ params, principal }, ctx) => downloadDocument(deps, ctx.logger, principal, params),
      }),
      route({
        method: 'POST',
        path: '/:contractId/recall',
        roles: OFFICE,
        params: contractParams,
        body: recallBody,
        idempotent: 'recall',
        prepare: ({ params, body, principal }) => recallAtAdobe(deps, principal, params.contractId, body),
        handle: ({ params, principal }, ctx, prepared) => recordRecall(ctx, principal, params.contractId, prepared),
      }),
      route({
        method: 'POST',
        path: '/:contractId/paper-scan',
        roles: OFFICE,
        params: contractParams,
        body: paperScanBody,
        transaction: true,
        status: 201,
        prepare: ({ params, body, principal }) => storePaperScan(deps, principal, params.contractId, body),
        handle: ({ params, principal }, ctx, stored) => recordPaperScan(ctx, principal, params.contractId, stored),
      }),
    ],
  });
}
