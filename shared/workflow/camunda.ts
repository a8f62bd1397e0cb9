import { z } from 'zod';
import type { MessageDeclaration } from '../../bpmn/contract';
import { env } from '../config';
import { ConflictError, NotFoundError, PermanentError, RetryableError } from '../errors';
import { camundaAuthProblems, camundaAuthSchema, camundaAuthSdkSettings, missingOauthSettings } from './camunda-auth';
import { durationMs } from './duration';
import type { Incident, UserTask, UserTaskQuery, Workflows } from './workflows';

/**
 * Where a function reaches Camunda 8's REST API (Orchestration Cluster API v2). Locally the
 * embedded engine serves the same API (mesh/engine).
 */
export const camundaConfigSchema = camundaAuthSchema
  .extend({
    ZEEBE_REST_ADDRESS: z.url(),
    CAMUNDA_REQUEST_TIMEOUT_MS: env.int(10_000),
  })
  .superRefine((c, ctx) => {
    for (const key of missingOauthSettings(c)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `required when CAMUNDA_AUTH_STRATEGY is OAUTH` });
    }
  });
export type CamundaConfig = z.infer<typeof camundaConfigSchema>;

/** The OAUTH rule for `boot`'s check, which composes schemas by `.shape` (dropping the refinement above). */
export const camundaConfigProblems = camundaAuthProblems;

/** The slice of @camunda8/sdk's CamundaRestClient this adapter uses (kept small for test doubles). */
export interface CamundaRest {
  publishMessage(req: {
    name: string;
    correlationKey: string;
    variables: Record<string, unknown>;
    timeToLive: number;
    messageId?: string;
    tenantId?: string;
  }): Promise<unknown>;
  searchUserTasks(req: { filter?: Record<string, unknown>; page?: { from: number; limit: number } }): Promise<{ items: Record<string, unknown>[] }>;
  getUserTask(userTaskKey: string): Promise<Record<string, unknown>>;
  searchUserTaskVariables(req: {
    userTaskKey: string;
    filter?: Record<string, unknown>;
    page?: { from: number; limit: number };
  }): Promise<{ items: { name: string; value: string }[] }>;
  assignUserTask(req: { userTaskKey: string; assignee: string; allowOverride?: boolean }): Promise<unknown>;
  unassignUserTask(req: { userTaskKey: string }): Promise<unknown>;
  completeUserTask(req: { userTaskKey: string; variables?: Record<string, unknown> }): Promise<unknown>;
  searchIncidents(req: { filter?: Record<string, unknown>; page?: { from: number; limit: number } }): Promise<{ items: Record<string, unknown>[] }>;
  searchVariables(req: { filter?: Record<string, unknown>; page?: { from: number; limit: number } }): Promise<{ items: { name: string; value: string }[] }>;
}

/**
 * Builds the REST client of @camunda8/sdk with configuration passed explicitly (the SDK would
 * otherwise read process.env itself). The SDK stays out of the bundle (it loads files by
 * relative path) and is required on first use, so a function that never calls Camunda does
 * not pay for loading it at cold start.
 */
export function camundaRestClient(config: CamundaConfig): () => CamundaRest {
  let client: CamundaRest | undefined;
  return () => {
    if (client) return client;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Camunda8 } = require('@camunda8/sdk') as typeof import('@camunda8/sdk');
    const c8 = new Camunda8({ ...camundaAuthSdkSettings(config), ZEEBE_REST_ADDRESS: config.ZEEBE_REST_ADDRESS });
    client = c8.getCamundaRestClient() as unknown as CamundaRest;
    return client;
  };
}

/**
 * The Workflows port on Camunda's REST API. Failures are classified once, here. The SDK's REST
 * client has no request timeout of its own: `timeoutMs` (CAMUNDA_REQUEST_TIMEOUT_MS) bounds
 * each call, and a call that takes longer fails as retryable.
 */
export function camundaWorkflows(client: () => CamundaRest, options: { timeoutMs?: number } = {}): Workflows {
  const rest = options.timeoutMs ? timeBound(client, options.timeoutMs) : client;
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw classify(what, error);
    }
  };
  const page = (limit = 100) => ({ from: 0, limit });

  return {
    async publishMessage(message: MessageDeclaration, correlationKey: string, variables: Record<string, unknown>, options = {}) {
      try {
        await rest().publishMessage({
          name: message.name,
          correlationKey,
          variables,
          timeToLive: durationMs(message.timeToLive),
          ...(options.messageId ? { messageId: options.messageId } : {}),
        });
      } catch (error) {
        // Zeebe refuses a message whose id is already buffered: the message is there, which is what was asked.
        if (statusOf(error) === 409) return;
        throw classify(`publish message ${message.name}`, error);
      }
    },
    userTasks: {
      search: (query: UserTaskQuery) =>
        call('search user tasks', async () => {
          const filter: Record<string, unknown> = {};
          if (query.state) filter.state = query.state;
          if (query.candidateGroup) filter.candidateGroup = query.candidateGroup;
          if (query.assignee) filter.assignee = query.assignee;
          if (query.processInstanceKey) filter.processInstanceKey = query.processInstanceKey;
          const { items } = await rest().searchUserTasks({ filter, page: page(query.limit) });
          return items.map(toUserTask);
        }),
      get: async (userTaskKey: string) => {
        try {
          return toUserTask(await rest().getUserTask(userTaskKey));
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw classify('get user task', error);
        }
      },
      variables: (userTaskKey: string) =>
        call('read user task variables', async () => {
          const { items } = await rest().searchUserTaskVariables({ userTaskKey, page: page(1000) });
          return Object.fromEntries(items.map((v) => [v.name, parseValue(v.value)]));
        }),
      assign: (userTaskKey: string, assignee: string, options: { allowOverride: boolean }) =>
        call('assign user task', () => rest().assignUserTask({ userTaskKey, assignee, allowOverride: options.allowOverride })).then(() => undefined),
      unassign: (userTaskKey: string) => call('unassign user task', () => rest().unassignUserTask({ userTaskKey })).then(() => undefined),
      complete: (userTaskKey: string, variables: Record<string, unknown>) =>
        call('complete user task', () => rest().completeUserTask({ userTaskKey, variables })).then(() => undefined),
    },
    incidents: {
      search: (query) =>
        call('search incidents', async () => {
          const filter: Record<string, unknown> = {};
          if (query.state) filter.state = query.state;
          if (query.processInstanceKey) filter.processInstanceKey = query.processInstanceKey;
          const { items } = await rest().searchIncidents({ filter, page: page(query.limit) });
          return items.map(toIncident);
        }),
      processVariables: (processInstanceKey: string, names: string[]) =>
        call('read process variables', async () => {
          // Process-level variables only (scopeKey = the instance): a local variable of the same
          // name in an inner scope (sub-process, multi-instance) must not stand in for it.
          const { items } = await rest().searchVariables({
            filter: { processInstanceKey, scopeKey: processInstanceKey, name: names.length === 1 ? names[0] : { $in: names } },
            page: page(100),
          });
          return Object.fromEntries(items.filter((v) => names.includes(v.name)).map((v) => [v.name, parseValue(v.value)]));
        }),
    },
  };
}

/**
 * The HTTP status of a failed call. The SDK's HTTPError copies `status` from the problem JSON
 * body, and sets 0 when the body is not JSON (a proxy's HTML 502 or 404): the response's own
 * status comes first.
 */
/** Every method of the client, failing with a status-less error when no answer came within `ms`. */
function timeBound(client: () => CamundaRest, ms: number): () => CamundaRest {
  type Methods = Record<string, (request: unknown) => Promise<unknown>>;
  const bound = new Proxy<Methods>(
    {},
    {
      get: (_target, method: string) => (request: unknown) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
          const target = client() as unknown as Methods;
          // Called on the client itself: the SDK's methods use `this`.
          target[method]!(request)
            .then(resolve, reject)
            .finally(() => clearTimeout(timer));
        }),
    },
  );
  return () => bound as unknown as CamundaRest;
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { statusCode?: unknown } };
  for (const status of [e?.response?.statusCode, e?.statusCode, e?.status]) {
    if (typeof status === 'number' && status > 0) return status;
  }
  return undefined;
}

function classify(what: string, error: unknown): Error {
  const status = statusOf(error);
  const detail = (error as { detail?: string }).detail ?? (error as Error).message;
  if (status === 404) return new NotFoundError(`${what}: not found`);
  if (status === 409) return new ConflictError(`${what}: ${detail}`, 'workflow-conflict');
  if (status === 400) return new PermanentError(`${what}: Camunda refused the request: ${detail}`, 'workflow-refused');
  return new RetryableError(`${what}: Camunda unavailable (${status ?? 'no answer'})`);
}

/** Variable values come as JSON text in the search APIs. */
function parseValue(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

function toUserTask(t: Record<string, unknown>): UserTask {
  return {
    userTaskKey: String(t.userTaskKey ?? t.key),
    name: String(t.name ?? t.elementId),
    state: t.state as UserTask['state'],
    ...(str(t.assignee) ? { assignee: str(t.assignee) } : {}),
    elementId: String(t.elementId),
    candidateGroups: Array.isArray(t.candidateGroups) ? t.candidateGroups.map(String) : [],
    processDefinitionId: String(t.processDefinitionId ?? t.bpmnProcessId),
    processInstanceKey: String(t.processInstanceKey),
    creationDate: String(t.creationDate),
    ...(str(t.dueDate) ? { dueDate: str(t.dueDate) } : {}),
    priority: typeof t.priority === 'number' ? t.priority : 50,
    customHeaders: (t.customHeaders as Record<string, string> | undefined) ?? {},
  };
}

function toIncident(i: Record<string, unknown>): Incident {
  return {
    incidentKey: String(i.incidentKey),
    processInstanceKey: String(i.processInstanceKey),
    processDefinitionId: String(i.processDefinitionId),
    elementId: String(i.elementId),
    errorType: String(i.errorType),
    errorMessage: String(i.errorMessage),
    creationTime: String(i.creationTime),
    state: String(i.state),
    ...(str(i.jobKey) ? { jobKey: str(i.jobKey) } : {}),
  };
}
