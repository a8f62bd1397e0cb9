import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { messages } from '../../bpmn/contract';
import { ConflictError } from '../errors';
import { camundaConfigSchema, camundaRestClient, camundaWorkflows } from './camunda';

/**
 * The adapter through the real @camunda8/sdk REST client, against a stand-in that answers
 * Camunda's v2 paths: what goes on the wire, and how the SDK's errors are read back.
 */
const received: { method: string; path: string; body: unknown }[] = [];
const answers = new Map<string, { status: number; body: unknown }>();
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString();
    const path = (req.url ?? '').split('?')[0] ?? '';
    received.push({ method: req.method ?? '', path, body: text ? (JSON.parse(text) as unknown) : undefined });
    const answer = answers.get(`${req.method} ${path}`) ?? { status: 204, body: undefined };
    const problem = answer.status >= 400;
    res.writeHead(answer.status, { 'content-type': problem ? 'application/problem+json' : 'application/json' });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = camundaConfigSchema.parse({ ZEEBE_REST_ADDRESS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, CAMUNDA_AUTH_STRATEGY: 'NONE' });
const workflows = camundaWorkflows(camundaRestClient(config), { timeoutMs: 5_000 });
const problem = (status: number, detail: string) => ({ status, body: { type: 'about:blank', title: 'x', status, detail, instance: '/v2' } });
const last = () => received[received.length - 1];

describe('camundaWorkflows through @camunda8/sdk', () => {
  it('when searching user tasks, then POST /v2/user-tasks/search carries the filter and the page', async () => {
    answers.set('POST /v2/user-tasks/search', { status: 200, body: { items: [], page: { totalItems: 0 } } });
    await workflows.userTasks.search({ state: 'CREATED', candidateGroup: 'country:FR', limit: 25 });
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/v2/user-tasks/search',
      body: { filter: { state: 'CREATED', candidateGroup: 'country:FR' }, page: { from: 0, limit: 25 } },
    });
  });

  it('when a user task is unknown, then GET /v2/user-tasks/{key} answers 404 and get is undefined', async () => {
    answers.set('GET /v2/user-tasks/123', problem(404, 'User task with key 123 not found'));
    expect(await workflows.userTasks.get('123')).toBeUndefined();
    expect(last()).toMatchObject({ method: 'GET', path: '/v2/user-tasks/123' });
  });

  it('when assigning without override is refused (409), then POST .../assignment sent allowOverride false and a ConflictError comes back', async () => {
    answers.set('POST /v2/user-tasks/5/assignment', problem(409, 'already assigned'));
    await expect(workflows.userTasks.assign('5', 'op-fr-0001', { allowOverride: false })).rejects.toBeInstanceOf(ConflictError);
    expect(last()).toMatchObject({ path: '/v2/user-tasks/5/assignment', body: { assignee: 'op-fr-0001', allowOverride: false } });
  });

  it('when unassigning and completing, then DELETE .../assignee and POST .../completion with the variables', async () => {
    await workflows.userTasks.unassign('5');
    expect(last()).toMatchObject({ method: 'DELETE', path: '/v2/user-tasks/5/assignee' });
    await workflows.userTasks.complete('5', { outcome: 'DONE' });
    expect(last()).toMatchObject({ method: 'POST', path: '/v2/user-tasks/5/completion', body: { variables: { outcome: 'DONE' } } });
  });

  it('when a message id is already published (409), then publishMessage succeeds; the TTL went out in ms', async () => {
    answers.set('POST /v2/messages/publication', problem(409, 'message already published'));
    await workflows.publishMessage(messages.tvOutcomeRecorded, 'order-1', {}, { messageId: 'evt-1' });
    expect(last()).toMatchObject({
      path: '/v2/messages/publication',
      body: { name: 'tv-outcome-recorded', correlationKey: 'order-1', timeToLive: 86_400_000, messageId: 'evt-1' },
    });
  });

  it('when reading process variables, then POST /v2/variables/search filters by instance, scope and names', async () => {
    answers.set('POST /v2/variables/search', { status: 200, body: { items: [{ name: 'country', value: '"FR"' }], page: { totalItems: 1 } } });
    expect(await workflows.incidents.processVariables('42', ['country', 'store'])).toEqual({ country: 'FR' });
    expect(last()).toMatchObject({
      path: '/v2/variables/search',
      body: { filter: { processInstanceKey: '42', scopeKey: '42', name: { $in: ['country', 'store'] } } },
    });
  });
});
