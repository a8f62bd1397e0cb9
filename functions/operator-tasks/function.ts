import type { Authenticator } from '../../shared/auth/principal';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import type { OperatorTasks } from './handler';
import { completeBody, listIncidentsQuery, listTasksQuery, taskKeyParams } from './schema';

export const NAME = 'operator-tasks';

const OFFICE = ['operator', 'admin'] as const;

/** operator-tasks: the Control Tower's user tasks (list, read, claim, release, complete) and incidents. */
export function operatorTasksFunction(deps: { operatorTasks: OperatorTasks; authenticator: Authenticator; logger: Logger }) {
  const { operatorTasks: work } = deps;
  return makeHttpFunction({
    name: NAME,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/tasks',
        roles: OFFICE,
        query: listTasksQuery,
        handle: ({ query, principal }) => work.listTasks(principal, query),
      }),
      route({
        method: 'GET',
        path: '/tasks/:key',
        roles: OFFICE,
        params: taskKeyParams,
        handle: ({ params, principal }) => work.getTask(principal, params.key),
      }),
      route({
        method: 'POST',
        path: '/tasks/:key/claim',
        roles: OFFICE,
        params: taskKeyParams,
        handle: ({ params, principal }) => work.claim(principal, params.key),
      }),
      route({
        method: 'POST',
        path: '/tasks/:key/unclaim',
        roles: OFFICE,
        params: taskKeyParams,
        handle: ({ params, principal }) => work.unclaim(principal, params.key),
      }),
      route({
        method: 'POST',
        path: '/tasks/:key/complete',
        roles: OFFICE,
        params: taskKeyParams,
        body: completeBody,
        handle: ({ params, body, principal }) => work.complete(principal, params.key, body?.variables ?? {}),
      }),
      route({
        method: 'GET',
        path: '/incidents',
        roles: OFFICE,
        query: listIncidentsQuery,
        handle: ({ query, principal }) => work.listIncidents(principal, query),
      }),
    ],
  });
}
