import { ConflictError, NotFoundError } from '../../shared/errors';
import type { Incident, UserTask, UserTaskQuery, Workflows } from '../../shared/workflow';

/**
 * An in-memory Workflows port that answers as Camunda 8 does (through shared/workflow/camunda.ts):
 * - a task that ended stays readable (get, search by state) with its final state;
 * - assign / unassign / complete of an unknown or ended task: NotFoundError (the engine
 *   has forgotten it: 404); assign of a task held by someone else without allowOverride: ConflictError;
 * - completion does not check who completes (the engine leaves that to the caller);
 * - completion variables land in the process instance.
 */
export function fakeWorkflows() {
  let nextKey = 2251799813685249n;
  const tasks = new Map<string, UserTask>();
  const processVariables = new Map<string, Record<string, unknown>>();
  const incidents: Incident[] = [];
  const calls: { method: string; args: unknown[] }[] = [];
  /** Something another user does just before the next assign / complete reaches the engine. */
  const races: Partial<Record<'assign' | 'complete', (userTaskKey: string) => void>> = {};
  const race = (method: 'assign' | 'complete', userTaskKey: string) => {
    const before = races[method];
    delete races[method];
    before?.(userTaskKey);
  };
  const key = () => String(nextKey++);
  /** Runs a synchronous step as the engine's asynchronous answer. */
  const attempt = (work: () => void): Promise<void> => {
    try {
      work();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const open = (userTaskKey: string) => {
    const task = tasks.get(userTaskKey);
    if (!task || task.state !== 'CREATED') throw new NotFoundError('user task not found');
    return task;
  };

  const workflows: Workflows = {
    publishMessage(...args) {
      calls.push({ method: 'publishMessage', args });
      return Promise.resolve();
    },
    userTasks: {
      search(query: UserTaskQuery) {
        calls.push({ method: 'userTasks.search', args: [query] });
        const found = [...tasks.values()]
          .filter((t) => !query.state || t.state === query.state)
          .filter((t) => !query.candidateGroup || t.candidateGroups.includes(query.candidateGroup))
          .filter((t) => !query.assignee || t.assignee === query.assignee)
          .filter((t) => !query.processInstanceKey || t.processInstanceKey === query.processInstanceKey)
          .sort((a, b) => a.creationDate.localeCompare(b.creationDate))
          .slice(0, query.limit ?? 100);
        return Promise.resolve(structuredClone(found));
      },
      get(userTaskKey) {
        const task = tasks.get(userTaskKey);
        return Promise.resolve(task && structuredClone(task));
      },
      variables(userTaskKey) {
        const task = tasks.get(userTaskKey);
        if (!task) return Promise.reject(new NotFoundError('user task not found'));
        return Promise.resolve(structuredClone(processVariables.get(task.processInstanceKey) ?? {}));
      },
      assign(userTaskKey, assignee, options) {
        calls.push({ method: 'userTasks.assign', args: [userTaskKey, assignee, options] });
        return attempt(() => {
          race('assign', userTaskKey);
          const task = open(userTaskKey);
          if (task.assignee && task.assignee !== assignee && !options.allowOverride) {
            throw new ConflictError(`user task ${userTaskKey} is already assigned`, 'workflow-conflict');
          }
          task.assignee = assignee;
        });
      },
      unassign(userTaskKey) {
        calls.push({ method: 'userTasks.unassign', args: [userTaskKey] });
        return attempt(() => {
          delete open(userTaskKey).assignee;
        });
      },
      complete(userTaskKey, variables) {
        calls.push({ method: 'userTasks.complete', args: [userTaskKey, variables] });
        return attempt(() => {
          race('complete', userTaskKey);
          const task = open(userTaskKey);
          task.state = 'COMPLETED';
          processVariables.set(task.processInstanceKey, { ...processVariables.get(task.processInstanceKey), ...variables });
        });
      },
    },
    incidents: {
      search(query) {
        calls.push({ method: 'incidents.search', args: [query] });
        const found = incidents
          .filter((i) => !query.state || i.state === query.state)
          .filter((i) => !query.processInstanceKey || i.processInstanceKey === query.processInstanceKey)
          .slice(0, query.limit ?? 100);
        return Promise.resolve(structuredClone(found));
      },
      processVariables(processInstanceKey, names) {
        calls.push({ method: 'incidents.processVariables', args: [processInstanceKey, names] });
        const all = processVariables.get(processInstanceKey) ?? {};
        return Promise.resolve(Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name))));
      },
    },
  };

  /** A process instance placed in a tenant, as the models do (variables country / businessUnit / store). */
  function startInstance(scope: { country: string; businessUnit: string; store: string }, variables: Record<string, unknown> = {}) {
    const instance = key();
    processVariables.set(instance, { ...scope, ...variables });
    return instance;
  }

  /** A user task of the TV model's shape, open, in the given tenant; returns its key. */
  function addTask(
    scope: { country: string; businessUnit: string; store: string },
    overrides: Partial<UserTask> = {},
    variables: Record<string, unknown> = {},
  ) {
    const userTaskKey = key();
    tasks.set(userTaskKey, {
      userTaskKey,
      name: 'Chase overdue technical visit',
      state: 'CREATED',
      elementId: 'chase-overdue-visit',
      candidateGroups: ['operators', `country:${scope.country}`, `bu:${scope.businessUnit}`, `store:${scope.store}`],
      processDefinitionId: 'technical-visit',
      processInstanceKey: startInstance(scope, variables),
      creationDate: new Date(Date.UTC(2026, 10, 28, 10, 0, tasks.size)).toISOString(),
      priority: 75,
      customHeaders: {},
      ...overrides,
    });
    return userTaskKey;
  }

  /** An active incident (a job out of retries) of a process instance. */
  function addIncident(processInstanceKey: string, overrides: Partial<Incident> = {}) {
    const incidentKey = key();
    incidents.push({
      incidentKey,
      processInstanceKey,
      processDefinitionId: 'technical-visit',
      elementId: 'schedule-visit',
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'tv-schedule-visit failed: provider API unavailable',
      creationTime: new Date(Date.UTC(2026, 10, 28, 11, 0, incidents.length)).toISOString(),
      state: 'ACTIVE',
      jobKey: key(),
      ...overrides,
    });
    return incidentKey;
  }

  /** Makes another user act just before the next `method` call reaches the engine. */
  function raceBefore(method: 'assign' | 'complete', act: (task: UserTask) => void) {
    races[method] = (userTaskKey) => {
      const task = tasks.get(userTaskKey);
      if (task) act(task);
    };
  }

  return { workflows, tasks, processVariables, calls, startInstance, addTask, addIncident, raceBefore };
}
