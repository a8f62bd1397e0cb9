import type { Authenticator } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { dispatchHistory } from './dispatch-history';
import { detail, summary } from './present';
import { findOrder, listOrders, orderInScope } from './queries';
import { listQuery, orderIdParams } from './schema';

export const NAME = 'service-orders';

const READERS = ['operator', 'admin', 'provider-admin', 'technician'] as const;
/** The office: who sees how an order was dispatched (ranking, competitors' offers). */
const OFFICE = ['operator', 'admin'] as const;

/**
 * service-orders: read service orders within the caller's tenant scope; the office also reads
 * how an order was dispatched (why each provider ranked where it did).
 */
export function serviceOrdersFunction(deps: { db: Queryable; authenticator: Authenticator; logger: Logger }) {
  return makeHttpFunction({
    name: NAME,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/',
        roles: READERS,
        query: listQuery,
        handle: async ({ query, principal }) => {
          const page = await listOrders(deps.db, principal, query);
          return { items: page.items.map(summary), nextCursor: page.nextCursor };
        },
      }),
      route({
        method: 'GET',
        path: '/:id',
        roles: READERS,
        params: orderIdParams,
        handle: async ({ params, principal }) => {
          const row = await findOrder(deps.db, principal, params.id);
          if (!row) throw new NotFoundError(`service order ${params.id} not found`);
          return detail(row);
        },
      }),
      route({
        method: 'GET',
        path: '/:id/dispatch',
        roles: OFFICE,
        params: orderIdParams,
        handle: async ({ params, principal }) => {
          if (!(await orderInScope(deps.db, principal, params.id))) throw new NotFoundError(`service order ${params.id} not found`);
          return dispatchHistory(deps.db, params.id);
        },
      }),
    ],
  });
}
