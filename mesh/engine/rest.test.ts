import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../bpmn/contract';
import { loadModels } from '../../bpmn/models';
import { camundaRestClient, camundaWorkflows, type CamundaConfig } from '../../shared/workflow/camunda';
import type { Workflows } from '../../shared/workflow/workflows';
import { eventually } from '../../test/support/eventually';
import { useIsolatedDatabase } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { RecordingWorker } from '../../test/support/recording-worker';
import { EmbeddedEngine } from './engine';
import { serveEngine } from './rest';

// The production adapter (shared/workflow/camunda.ts, on @camunda8/sdk) against the embedded
// engine's REST API: what functions do in production, locally.
const database = useIsolatedDatabase();
let engine: EmbeddedEngine;
let server: Server;
let url: string;
let workflows: Workflows;
const worker = new RecordingWorker();

beforeAll(async () => {
  await worker.start();
  worker.behaviours.set('tv-schedule-visit', () => ({ status: 200, body: { variables: { visitId: 'visit-1' } } }));
  // Only the scheduling worker exists here: the unblock job has none and ends as an incident.
  engine = await EmbeddedEngine.start({
    db: database.db,
    models: loadModels(),
    workerUrl: (type) => (type === 'tv-schedule-visit' ? worker.url : undefined),
    logger: memoryLogger(),
    tickMs: 50,
    retryPolicy: { baseBackOffMs: 60_000, maxBackOffMs: 60_000, initialRetries: 3 },
  });
  ({ server, url } = await serveEngine(engine, database.db, 0));
  const config: CamundaConfig = {
    ZEEBE_REST_ADDRESS: url,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_TOKEN_AUDIENCE: 'zeebe',
    CAMUNDA_TENANT_ID: '<default>',
    CAMUNDA_REQUEST_TIMEOUT_MS: 5000,
  };
  workflows = camundaWorkflows(camundaRestClient(config));
});
afterAll(async () => {
  await engine.stop();
  await new Promise<void>((r) => server.close(() => r()));
  await worker.stop();
});

const post = (path: string, body: unknown, method = 'POST') =>
  fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('embedded engine REST API through @camunda8/sdk', () => {
  const orderId = `order-${Date.now()}`;

  it('when a function publishes the start message, then an instance runs; the same message id again is accepted as already there', async () => {
    const variables = { orderId, country: 'FR', businessUnit: 'FR-RHONE', store: 'FR-LYS-001', slaDuration: 'PT1H', answerDeadline: 'P7D' };
    await workflows.publishMessage(messages.tvRequested, orderId, variables, { messageId: `tv-requested:${orderId}` });
    await workflows.publishMessage(messages.tvRequested, orderId, variables, { messageId: `tv-requested:${orderId}` });
    const search = (await (await post('/v2/process-instances/search', { filter: { processDefinitionId: 'technical-visit', state: 'ACTIVE' } })).json()) as {
      items: unknown[];
    };
    expect(search.items).toHaveLength(1);
  });

  it('when the SLA passes (clock pinned), then the operator finds, claims and completes the task through the SDK', async () => {
    expect((await post('/v2/clock', { timestamp: Date.now() + 2 * 3600_000 }, 'PUT')).status).toBe(204);
    const [task] = await eventually(
      async () => {
        const found = await workflows.userTasks.search({ state: 'CREATED', candidateGroup: 'country:FR' });
        return found.length > 0 ? found : undefined;
      },
      5000,
      20,
    );
    expect(task).toMatchObject({
      elementId: 'chase-overdue-visit',
      candidateGroups: ['operators', 'country:FR', 'bu:FR-RHONE', 'store:FR-LYS-001'],
      processDefinitionId: 'technical-visit',
    });
    expect(await workflows.userTasks.search({ state: 'CREATED', candidateGroup: 'country:ES' })).toEqual([]);
    const key = task!.userTaskKey;
    expect(await workflows.userTasks.variables(key)).toMatchObject({ orderId, country: 'FR' });
    await workflows.userTasks.assign(key, 'operator-fr', { allowOverride: false });
    await expect(workflows.userTasks.assign(key, 'operator-es', { allowOverride: false })).rejects.toThrow(/already assigned/);
    expect((await workflows.userTasks.get(key))?.assignee).toBe('operator-fr');
    await workflows.userTasks.complete(key, { resolution: 'provider called' });
    expect((await workflows.userTasks.get(key))?.state).toBe('COMPLETED');
    await expect(workflows.userTasks.complete(key, {})).rejects.toThrow(/not found/);
    expect(await workflows.userTasks.get('999999')).toBeUndefined();
    await post('/v2/clock/reset', {});
  });

  it('when a job has no worker and runs out of retries, then the incident is listed with its instance variables', async () => {
    await workflows.publishMessage(messages.tvOutcomeRecorded, orderId, { outcome: 'YES', visitId: 'visit-1' });
    for (let i = 0; i < 5; i++) {
      await engine.idle();
      engine.clock.pin(engine.clock.now() + 120_000);
      await new Promise((r) => setTimeout(r, 30));
    }
    const [incident] = await eventually(
      async () => {
        const found = await workflows.incidents.search({ state: 'ACTIVE' });
        return found.length > 0 ? found : undefined;
      },
      5000,
      20,
    );
    expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', elementId: 'unblock-installation' });
    expect(incident!.errorMessage).toContain('no worker function');
    expect(await workflows.incidents.processVariables(incident!.processInstanceKey, ['country'])).toEqual({ country: 'FR' });
    engine.clock.reset();
  });

  it('when the body is wrong, then 400 names the field, as Camunda does', async () => {
    const answer = await post('/v2/messages/publication', { correlationKey: 'x' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ title: 'INVALID_ARGUMENT', detail: expect.stringContaining('name') });
  });
});
