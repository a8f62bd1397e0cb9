import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import type { DevUserName } from '../../mesh/oidc/users';
import { fakeWorkflows } from './testing-workflows';
import { operatorTasksFunction } from './function';
import { makeOperatorTasks } from './handler';

export type Json = Record<string, unknown>;

/** Where the test tasks live (codes of the seeded org hierarchy). */
export const MADRID = { country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' };
export const LYON = { country: 'FR', businessUnit: 'FR-RHONE-ALPES', store: 'FR-LYS-0318' };
export const PARIS = { country: 'FR', businessUnit: 'FR-IDF', store: 'FR-PAR-0101' };
export const MILAN = { country: 'IT', businessUnit: 'IT-NORD', store: 'IT-MI-0107' };
export const WARSAW = { country: 'PL', businessUnit: 'PL-MAZOWIECKIE', store: 'PL-WAW-0021' };

/** The dev users' token subjects (mesh/oidc/users.ts). */
export const SUBJECT = {
  'operator-es': 'op-es-0001',
  'operator-fr': 'op-fr-0001',
  'operator-fr-rhone': 'op-fr-0002',
  admin: 'admin-0001',
  'bu-manager-es': 'bum-es-0001',
  'country-director-es': 'cd-es-0001',
} as const;

/**
 * operator-tasks served with the real OIDC authenticator (dev OpenID provider, seeded users)
 * over an in-memory Workflows port that answers as Camunda does.
 */
export async function startOperatorTasksHarness() {
  const fake = fakeWorkflows();
  const identity = await useDevIdentity();
  const logger = memoryLogger();
  const url = await startFunction(
    'operator-tasks',
    operatorTasksFunction({
      operatorTasks: makeOperatorTasks({ workflows: fake.workflows }),
      authenticator: identity.authenticator,
      logger,
    }),
  );

  async function call(method: 'GET' | 'POST', path: string, user?: DevUserName, body?: unknown) {
    const headers: Record<string, string> = user ? { authorization: await identity.bearer(user) } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  }

  /** The keys of the caller's task list. */
  async function listKeys(user: DevUserName, query = ''): Promise<string[]> {
    const answer = await call('GET', `/tasks${query}`, user);
    if (answer.status !== 200) throw new Error(`GET /tasks${query} as ${user}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return (answer.body.items as Json[]).map((i) => i.key as string);
  }

  return { fake, identity, logger, url, call, listKeys };
}
