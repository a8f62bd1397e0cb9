import { userTaskApprovalLevels, userTaskCompletions, userTaskVariables } from '../../bpmn/user-tasks';
import type { z } from 'zod';
import type { Principal } from '../../shared/auth/principal';
import { approvalLimit, type ApprovalLevel } from '../../shared/domain/claim-rules';
import { ConflictError, ForbiddenError, InvalidInputError, issuesFromZod, NotFoundError } from '../../shared/errors';
import type { UserTask, Workflows } from '../../shared/workflow';
import { incidentItem, taskItem } from './present';
import type { ListIncidentsQuery, ListTasksQuery } from './schema';
import { OPERATORS_GROUP, scopeFromGroups, scopeFromVariables, searchGroups, seesEverything, withinScope, type WorkScope } from './scope';

export interface OperatorTasksDeps {
  workflows: Workflows;
}

/** The variables that place a process instance in its tenant. */
const SCOPE_VARIABLES = ['country', 'businessUnit', 'store'];
/** How many incidents a scoped caller's list is cut from (the engine cannot filter by variables). */
const INCIDENT_WINDOW = 100;
/** Variable reads in flight at once for one incident list. */
const READ_CONCURRENCY = 8;

/**
 * The Control Tower's work on user tasks and incidents, always within the caller's tenant:
 * a task or incident outside it is answered as if it did not exist.
 */
export function makeOperatorTasks({ workflows }: OperatorTasksDeps) {
  const tasks = workflows.userTasks;

  /** The task, if it is an operator task within the caller's scope; else NotFoundError. */
  async function visibleTask(principal: Principal, key: string): Promise<UserTask> {
    const task = await tasks.get(key);
    if (!task || !isVisible(principal, task)) throw new NotFoundError(`user task ${key} not found`);
    return task;
  }

  return {
    async listTasks(principal: Principal, query: ListTasksQuery) {
      const assignee = query.assignee === 'me' ? principal.subject : query.assignee;
      const pages = await Promise.all(
        searchGroups(principal).map((candidateGroup) =>
          tasks.search({
            state: query.state,
            candidateGroup,
            ...(assignee ? { assignee } : {}),
            ...(query.processInstanceKey ? { processInstanceKey: query.processInstanceKey } : {}),
            limit: query.limit,
          }),
        ),
      );
      const found = new Map<string, UserTask>();
      for (const task of pages.flat()) if (isVisible(principal, task)) found.set(task.userTaskKey, task);
      const items = [...found.values()].sort(oldestFirst).slice(0, query.limit).map(taskItem);
      return { items };
    },

    async getTask(principal: Principal, key: string) {
      const task = await visibleTask(principal, key);
      return { ...taskItem(task), variables: await tasks.variables(key) };
    },

    async claim(principal: Principal, key: string) {
      const task = await visibleTask(principal, key);
      assertOpen(task);
      if (task.assignee === principal.subject) return taskItem(task);
      if (task.assignee) throw claimedBy(key, task.assignee);
      try {
        await tasks.assign(key, principal.subject, { allowOverride: false });
      } catch (error) {
        if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
        // Someone was faster (claimed or completed it): say who, or that it is closed.
        const now = await tasks.get(key);
        if (!now || now.state !== 'CREATED') throw notOpen(key, now?.state ?? 'COMPLETED');
        if (now.assignee === principal.subject) return taskItem(now);
        throw claimedBy(key, now.assignee ?? 'another user');
      }
      return taskItem({ ...task, assignee: principal.subject });
    },

    async unclaim(principal: Principal, key: string) {
      const task = await visibleTask(principal, key);
      assertOpen(task);
      if (!task.assignee) return taskItem(task);
      if (task.assignee !== principal.subject && !principal.roles.includes('admin')) {
        throw new ForbiddenError(`user task ${key} is claimed by ${task.assignee}: only its assignee (or an admin) may release it`);
      }
      await tasks.unassign(key);
      const { assignee: _released, ...rest } = task;
      return taskItem(rest);
    },

    async complete(principal: Principal, key: string, variables: Record<string, unknown>) {
      const task = await visibleTask(principal, key);
      assertOpen(task);
      if (!task.assignee) throw new ConflictError(`user task ${key} is not claimed: claim it first`, 'task-not-claimed');
      if (task.assignee !== principal.subject) {
        throw new ForbiddenError(`user task ${key} is claimed by ${task.assignee}: only its assignee may complete it`);
      }
      refuseForeignVariables(task, variables);
      await assertMayApprove(principal, task, () => tasks.variables(key));
      try {
        // Who completed it, for the workers that record the step (a claim's audit trail).
        await tasks.complete(key, { ...variables, completedBy: principal.subject });
      } catch (error) {
        // Gone from the engine between the read and the completion: completed meanwhile.
        if (error instanceof NotFoundError) throw notOpen(key, 'COMPLETED');
        throw error;
      }
      return { key, state: 'COMPLETED' as const };
    },

    async listIncidents(principal: Principal, query: ListIncidentsQuery) {
      const everything = seesEverything(principal);
      const incidents = await workflows.incidents.search({ state: query.state, limit: everything ? query.limit : INCIDENT_WINDOW });
      const instances = [...new Set(incidents.map((i) => i.processInstanceKey))];
      const scopes = new Map<string, WorkScope>();
      await forEachLimited(instances, READ_CONCURRENCY, async (instance) => {
        scopes.set(instance, scopeFromVariables(await workflows.incidents.processVariables(instance, SCOPE_VARIABLES)));
      });
      const items = incidents
        .map((i) => incidentItem(i, scopes.get(i.processInstanceKey) ?? { country: null, businessUnit: null, store: null }))
        .filter((i) => everything || withinScope(principal, i.scope))
        .slice(0, query.limit);
      return { items };
    },
  };
}

export type OperatorTasks = ReturnType<typeof makeOperatorTasks>;

function isVisible(principal: Principal, task: UserTask): boolean {
  return task.candidateGroups.includes(OPERATORS_GROUP) && withinScope(principal, scopeFromGroups(task.candidateGroups));
}

function assertOpen(task: UserTask) {
  if (task.state !== 'CREATED') throw notOpen(task.userTaskKey, task.state);
}

function notOpen(key: string, state: string) {
  return new ConflictError(`user task ${key} is already ${state.toLowerCase()}`, 'task-not-open');
}

function claimedBy(key: string, assignee: string) {
  return new ConflictError(`user task ${key} is claimed by ${assignee}`, 'task-claimed');
}

function oldestFirst(a: UserTask, b: UserTask): number {
  return a.creationDate.localeCompare(b.creationDate) || a.userTaskKey.localeCompare(b.userTaskKey);
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}

const LEVELS: readonly ApprovalLevel[] = ['operator', 'bu-manager', 'country-director'];

/** The highest approval authority among the caller's roles (every office caller is at least an operator). */
function approvalLevelOf(principal: Principal): ApprovalLevel {
  return [...LEVELS].reverse().find((level) => principal.roles.includes(level as Principal['roles'][number])) ?? 'operator';
}

const money = (minor: number, currency: unknown) =>
  Number.isFinite(minor) ? `${(minor / 100).toFixed(2)} ${typeof currency === 'string' ? currency : ''}`.trim() : 'unlimited';

/**
 * An approval task (bpmn/user-tasks.ts userTaskApprovalLevels) is completed only by someone whose
 * authority reaches its level: 403 naming the caller's limit and the refund, read from the
 * instance (refundAmountMinor and the country's limits, put there by claim-record-decision).
 */
async function assertMayApprove(principal: Principal, task: UserTask, variablesOf: () => Promise<Record<string, unknown>>): Promise<void> {
  const required = (userTaskApprovalLevels as Record<string, ApprovalLevel | undefined>)[task.elementId];
  if (!required) return;
  const own = approvalLevelOf(principal);
  if (LEVELS.indexOf(own) >= LEVELS.indexOf(required)) return;
  const v = await variablesOf();
  const limits = { operatorRefundLimitMinor: Number(v.operatorRefundLimitMinor), buManagerRefundLimitMinor: Number(v.buManagerRefundLimitMinor) };
  throw new ForbiddenError(
    `the refund of ${money(Number(v.refundAmountMinor), v.currency)} is above your approval limit of ${money(approvalLimit(own, limits), v.currency)} (${own}): ` +
      `it takes a ${required}`,
  );
}

/** The values the model branches on, where the contract says what they may be (userTaskCompletions): 400 naming the variable. */
function checkValues(task: UserTask, variables: Record<string, unknown>): void {
  const schema = (userTaskCompletions as Record<string, z.ZodType | undefined>)[task.elementId];
  if (!schema) return;
  const parsed = schema.safeParse(variables);
  if (parsed.success) return;
  const issues = issuesFromZod(parsed.error, 'variables');
  throw new InvalidInputError(`invalid body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
}

/** A completion sets only the variables its task declares (bpmn/user-tasks.ts userTaskVariables): 400 naming the others. */
function refuseForeignVariables(task: UserTask, variables: Record<string, unknown>): void {
  const allowed: readonly string[] = (userTaskVariables as Record<string, readonly string[]>)[task.elementId] ?? [];
  const foreign = Object.keys(variables).filter((name) => !allowed.includes(name));
  if (foreign.length === 0) return checkValues(task, variables);
  const takes = allowed.length > 0 ? `it takes ${allowed.join(', ')}` : 'it takes no variables';
  throw new InvalidInputError(
    `invalid body: variables: ${foreign.join(', ')} not set by this task (${takes})`,
    foreign.map((name) => ({ field: `variables.${name}`, message: `is not a variable of this task (${takes})` })),
  );
}
