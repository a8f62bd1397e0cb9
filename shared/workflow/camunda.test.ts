import { describe, expect, it } from 'vitest';
import { messages } from '../../bpmn/contract';
import { ConflictError, NotFoundError, PermanentError, RetryableError } from '../errors';
import { camundaConfigProblems, camundaConfigSchema, camundaWorkflows, type CamundaRest } from './camunda';

type Method = keyof CamundaRest;

/** An error as @camunda8/sdk throws it: got's HTTPError with the problem body's status copied on (0 when the body is not JSON). */
function httpError(status: number, options: { detail?: string; html?: boolean } = {}) {
  const bodyStatus = options.html ? 0 : status;
  return Object.assign(new Error(`Response code ${status}`), {
    statusCode: bodyStatus,
    status: bodyStatus,
    detail: options.detail ?? '',
    response: { statusCode: status },
  });
}

/** A CamundaRest that records each request and answers from `answers` (a value, or an error to throw). */
function fakeRest(answers: Partial<Record<Method, unknown>> = {}) {
  const requests: { method: Method; request: unknown }[] = [];
  const handler: ProxyHandler<object> = {
    get: (_target, method: string) => (request: unknown) => {
      requests.push({ method: method as Method, request });
      const answer = answers[method as Method];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer ?? {});
    },
  };
  const rest = new Proxy({}, handler) as CamundaRest;
  return { workflows: camundaWorkflows(() => rest), requests };
}

const TASK = {
  userTaskKey: '2251799813685260',
  name: 'Chase overdue technical visit',
  state: 'CREATED',
  elementId: 'chase-overdue-visit',
  candidateGroups: ['operators', 'country:ES', 'bu:ES-CENTRO', 'store:ES-MAD-0042'],
  processDefinitionId: 'technical-visit',
  processInstanceKey: '2251799813685250',
  creationDate: '2026-11-28T10:00:00.000Z',
  priority: 75,
  customHeaders: {},
};

describe('camundaWorkflows user tasks', () => {
  it('when searching, then every filter field and the page are sent as the v2 search expects', async () => {
    const { workflows, requests } = fakeRest({ searchUserTasks: { items: [TASK] } });
    const found = await workflows.userTasks.search({
      state: 'CREATED',
      candidateGroup: 'country:ES',
      assignee: 'op-es-0001',
      processInstanceKey: '2251799813685250',
      limit: 20,
    });
    expect(requests).toEqual([
      {
        method: 'searchUserTasks',
        request: {
          filter: { state: 'CREATED', candidateGroup: 'country:ES', assignee: 'op-es-0001', processInstanceKey: '2251799813685250' },
          page: { from: 0, limit: 20 },
        },
      },
    ]);
    expect(found).toEqual([TASK]);
  });

  it('when searching without filters, then the filter is empty and the page is 100', async () => {
    const { workflows, requests } = fakeRest({ searchUserTasks: { items: [] } });
    await workflows.userTasks.search({});
    expect(requests[0]?.request).toEqual({ filter: {}, page: { from: 0, limit: 100 } });
  });

  it('when an 8.6-style item comes back (key, bpmnProcessId, no priority), then it is read the same', async () => {
    const { workflows } = fakeRest({
      getUserTask: { key: 7, elementId: 'e', bpmnProcessId: 'p', processInstanceKey: 9, state: 'CREATED', creationDate: 'd', assignee: 'a' },
    });
    expect(await workflows.userTasks.get('7')).toEqual({
      userTaskKey: '7',
      name: 'e',
      state: 'CREATED',
      elementId: 'e',
      candidateGroups: [],
      processDefinitionId: 'p',
      processInstanceKey: '9',
      creationDate: 'd',
      priority: 50,
      customHeaders: {},
      assignee: 'a',
    });
  });

  it('when the task is unknown (404), then get answers undefined', async () => {
    expect(await fakeRest({ getUserTask: httpError(404) }).workflows.userTasks.get('1')).toBeUndefined();
    // A 404 whose body is not a problem JSON (the SDK then copies status 0) is still a 404.
    expect(await fakeRest({ getUserTask: httpError(404, { html: true }) }).workflows.userTasks.get('1')).toBeUndefined();
  });

  it('when get fails otherwise, then a RetryableError for 5xx and no answer, PermanentError for 400', async () => {
    await expect(fakeRest({ getUserTask: httpError(503) }).workflows.userTasks.get('1')).rejects.toBeInstanceOf(RetryableError);
    await expect(fakeRest({ getUserTask: httpError(502, { html: true }) }).workflows.userTasks.get('1')).rejects.toThrow(/Camunda unavailable \(502\)/);
    await expect(fakeRest({ getUserTask: new Error('ECONNREFUSED') }).workflows.userTasks.get('1')).rejects.toThrow(/no answer/);
    await expect(fakeRest({ getUserTask: httpError(400, { detail: 'bad key' }) }).workflows.userTasks.get('x')).rejects.toBeInstanceOf(PermanentError);
  });

  it("when reading variables, then the task's variables search is asked and JSON values are parsed", async () => {
    const { workflows, requests } = fakeRest({
      searchUserTaskVariables: {
        items: [
          { name: 'orderId', value: '"o-1"' },
          { name: 'attempts', value: '2' },
          { name: 'note', value: '{"a":[true,null]}' },
          { name: 'raw', value: 'not json' },
        ],
      },
    });
    expect(await workflows.userTasks.variables('5')).toEqual({ orderId: 'o-1', attempts: 2, note: { a: [true, null] }, raw: 'not json' });
    expect(requests).toEqual([{ method: 'searchUserTaskVariables', request: { userTaskKey: '5', page: { from: 0, limit: 1000 } } }]);
  });

  it('when assigning, then allowOverride is sent as given, and a 409 is a ConflictError', async () => {
    const { workflows, requests } = fakeRest();
    await workflows.userTasks.assign('5', 'op-es-0001', { allowOverride: false });
    expect(requests).toEqual([{ method: 'assignUserTask', request: { userTaskKey: '5', assignee: 'op-es-0001', allowOverride: false } }]);
    const refused = fakeRest({ assignUserTask: httpError(409, { detail: 'already assigned' }) });
    await expect(refused.workflows.userTasks.assign('5', 'op-fr-0001', { allowOverride: false })).rejects.toBeInstanceOf(ConflictError);
  });

  it('when unassigning, then the task key is sent', async () => {
    const { workflows, requests } = fakeRest();
    await workflows.userTasks.unassign('5');
    expect(requests).toEqual([{ method: 'unassignUserTask', request: { userTaskKey: '5' } }]);
  });

  it('when completing, then the variables are sent; a task the engine no longer has is a NotFoundError', async () => {
    const { workflows, requests } = fakeRest();
    await workflows.userTasks.complete('5', { outcome: 'DONE' });
    expect(requests).toEqual([{ method: 'completeUserTask', request: { userTaskKey: '5', variables: { outcome: 'DONE' } } }]);
    await expect(fakeRest({ completeUserTask: httpError(404) }).workflows.userTasks.complete('5', {})).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('camundaWorkflows messages', () => {
  it('when publishing, then the time to live is sent in milliseconds with the message id', async () => {
    const { workflows, requests } = fakeRest();
    await workflows.publishMessage(messages.tvOutcomeRecorded, 'order-1', { outcome: 'YES' }, { messageId: 'evt-1' });
    expect(requests).toEqual([
      {
        method: 'publishMessage',
        request: { name: 'tv-outcome-recorded', correlationKey: 'order-1', variables: { outcome: 'YES' }, timeToLive: 86_400_000, messageId: 'evt-1' },
      },
    ]);
  });

  it('when publishing without a message id, then none is sent', async () => {
    const { workflows, requests } = fakeRest();
    await workflows.publishMessage(messages.tvRequested, 'order-1', {});
    expect(requests[0]?.request).not.toHaveProperty('messageId');
    expect(requests[0]?.request).toMatchObject({ timeToLive: 3_600_000 });
  });

  it('when the message id is already buffered (409), then publishing succeeds (the message is there)', async () => {
    const { workflows } = fakeRest({ publishMessage: httpError(409, { detail: 'message with id evt-1 already published' }) });
    await expect(workflows.publishMessage(messages.tvOutcomeRecorded, 'order-1', {}, { messageId: 'evt-1' })).resolves.toBeUndefined();
  });

  it('when the engine refuses (400) or is down (503), then PermanentError or RetryableError', async () => {
    await expect(fakeRest({ publishMessage: httpError(400) }).workflows.publishMessage(messages.tvRequested, 'o', {})).rejects.toBeInstanceOf(PermanentError);
    await expect(fakeRest({ publishMessage: httpError(503) }).workflows.publishMessage(messages.tvRequested, 'o', {})).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('camundaWorkflows incidents', () => {
  const INCIDENT = {
    incidentKey: '2251799813685300',
    processInstanceKey: '2251799813685250',
    processDefinitionId: 'technical-visit',
    elementId: 'schedule-visit',
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'boom',
    creationTime: '2026-11-28T11:00:00.000Z',
    state: 'ACTIVE',
    jobKey: '2251799813685301',
  };

  it('when searching, then state and instance filter and the page are sent', async () => {
    const { workflows, requests } = fakeRest({ searchIncidents: { items: [INCIDENT] } });
    expect(await workflows.incidents.search({ state: 'ACTIVE', processInstanceKey: '2251799813685250', limit: 10 })).toEqual([INCIDENT]);
    expect(requests).toEqual([
      { method: 'searchIncidents', request: { filter: { state: 'ACTIVE', processInstanceKey: '2251799813685250' }, page: { from: 0, limit: 10 } } },
    ]);
  });

  it("when reading process variables, then only the instance's own scope and the named variables are asked for", async () => {
    const { workflows, requests } = fakeRest({
      searchVariables: {
        items: [
          { name: 'country', value: '"FR"' },
          { name: 'businessUnit', value: '"FR-IDF"' },
          { name: 'other', value: '1' },
        ],
      },
    });
    expect(await workflows.incidents.processVariables('42', ['country', 'businessUnit', 'store'])).toEqual({ country: 'FR', businessUnit: 'FR-IDF' });
    expect(requests).toEqual([
      {
        method: 'searchVariables',
        request: { filter: { processInstanceKey: '42', scopeKey: '42', name: { $in: ['country', 'businessUnit', 'store'] } }, page: { from: 0, limit: 100 } },
      },
    ]);
  });

  it('when reading one process variable, then its name is the filter', async () => {
    const { workflows, requests } = fakeRest({ searchVariables: { items: [] } });
    await workflows.incidents.processVariables('42', ['country']);
    expect(requests[0]?.request).toMatchObject({ filter: { processInstanceKey: '42', scopeKey: '42', name: 'country' } });
  });
});

describe('camundaConfigSchema', () => {
  const base = { ZEEBE_REST_ADDRESS: 'https://camunda.example.com' };

  it('when the strategy is OAUTH without its URL and client, then each missing variable is named', () => {
    const parsed = camundaConfigSchema.safeParse(base);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['CAMUNDA_OAUTH_URL', 'ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET']);
    expect(camundaConfigProblems({ CAMUNDA_AUTH_STRATEGY: 'OAUTH', ZEEBE_CLIENT_ID: 'id' })).toEqual([
      'CAMUNDA_OAUTH_URL is missing (required when CAMUNDA_AUTH_STRATEGY is OAUTH)',
      'ZEEBE_CLIENT_SECRET is missing (required when CAMUNDA_AUTH_STRATEGY is OAUTH)',
    ]);
  });

  it('when the strategy is NONE, then the address is enough', () => {
    expect(camundaConfigSchema.parse({ ...base, CAMUNDA_AUTH_STRATEGY: 'NONE' })).toMatchObject({
      CAMUNDA_TENANT_ID: '<default>',
      CAMUNDA_REQUEST_TIMEOUT_MS: 10_000,
    });
    expect(camundaConfigProblems({ CAMUNDA_AUTH_STRATEGY: 'NONE' })).toEqual([]);
  });
});

describe('camundaWorkflows request timeout', () => {
  it('when Camunda does not answer within timeoutMs, then the call fails as retryable', async () => {
    const silent = new Proxy({}, { get: () => () => new Promise(() => undefined) }) as CamundaRest;
    const workflows = camundaWorkflows(() => silent, { timeoutMs: 20 });
    await expect(workflows.userTasks.search({})).rejects.toBeInstanceOf(RetryableError);
    await expect(workflows.userTasks.get('1')).rejects.toThrow(/Camunda unavailable \(no answer\)/);
  });
});
