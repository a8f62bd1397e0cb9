import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { costReport } from './costs';
import { presentMessage } from './present';
import { assertOrderInScope, costRows, orderMessages } from './queries';
import { costsQuery, messagesQuery, orderParams, reportPeriod } from './schema';

export const NAME = 'notify-messages';

/** The office: operators and admins, each within their tenant (country / business unit / store). */
const OFFICE = ['operator', 'admin'] as const;

export interface NotifyMessagesDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
  clock?: () => Date;
}

/**
 * notify-messages: the office's view of the messaging service — every message sent for an order,
 * with its history (masked destinations, no contact data), and, for admins, what messages cost
 * per country, business unit, month and channel. Read-only; another tenant's order answers 404.
 */
export function notifyMessagesFunction(deps: NotifyMessagesDeps) {
  return makeHttpFunction({
    name: NAME,
    clock: deps.clock,
    authenticator: deps.authenticator,
    logger: deps.logger,
    headers: { 'cache-control': 'no-store' },
    routes: [
      route({
        method: 'GET',
        path: '/orders/:orderId/messages',
        roles: OFFICE,
        params: orderParams,
        query: messagesQuery,
        handle: async ({ params, query, principal }) => {
          await assertOrderInScope(deps.db, principal, params.orderId);
          const page = await orderMessages(deps.db, params.orderId, query);
          return {
            serviceOrderId: params.orderId,
            items: page.items.map(({ message, history }) => presentMessage(message, history)),
            nextCursor: page.nextCursor,
          };
        },
      }),
      route({
        method: 'GET',
        path: '/costs',
        roles: ['admin'],
        query: costsQuery,
        handle: async ({ query, principal }, { now }) => {
          const period = reportPeriod(query, now);
          return costReport(period, await costRows(deps.db, principal, period, query));
        },
      }),
    ],
  });
}
