import type { Queryable } from '../../shared/db';

/**
 * The read side of the embedded engine's REST API, shaped as Camunda 8.8's search results
 * (keys as strings, dates as ISO text, variable values as JSON text).
 */

export type Filter = Record<string, unknown>;
export interface Page {
  from?: number;
  limit?: number;
}

const TENANT = '<default>';

/** A Camunda filter value: a plain value or an advanced filter `{ $eq }` (other operators are not served). */
function eq(value: unknown): string | undefined {
  const v = value !== null && typeof value === 'object' ? (value as { $eq?: unknown }).$eq : value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(sql: (p: string) => string, value: unknown) {
    if (value === undefined) return;
    this.params.push(value);
    this.clauses.push(sql(`$${this.params.length}`));
  }
  sql() {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function paging(page: Page | undefined, params: unknown[]) {
  const limit = Math.min(Math.max(page?.limit ?? 100, 1), 1000);
  const from = Math.max(page?.from ?? 0, 0);
  params.push(limit, from);
  return `LIMIT $${params.length - 1} OFFSET $${params.length}`;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

interface UserTaskRow {
  user_task_key: string;
  name: string;
  state: string;
  assignee: string | null;
  element_id: string;
  element_instance_key: string;
  candidate_groups: string[];
  bpmn_process_id: string;
  process_definition_key: string;
  process_instance_key: string;
  created_at: Date;
  completed_at: Date | null;
  due_date: Date | null;
  priority: number;
  custom_headers: Record<string, string>;
  version: number;
}

const USER_TASK_SELECT = `
  SELECT t.user_task_key::text, t.name, t.state, t.assignee, t.element_id, t.element_instance_key, t.candidate_groups,
         t.bpmn_process_id, t.process_definition_key::text, t.process_instance_key::text, t.created_at, t.completed_at,
         t.due_date, t.priority, t.custom_headers, d.version
    FROM engine.user_tasks t JOIN engine.definitions d USING (process_definition_key)`;

function toUserTask(r: UserTaskRow) {
  const { formKey, ...customHeaders } = r.custom_headers;
  return {
    userTaskKey: r.user_task_key,
    name: r.name,
    state: r.state,
    ...(r.assignee ? { assignee: r.assignee } : {}),
    elementId: r.element_id,
    elementInstanceKey: r.element_instance_key,
    candidateGroups: r.candidate_groups,
    candidateUsers: [],
    processDefinitionId: r.bpmn_process_id,
    processDefinitionKey: r.process_definition_key,
    processInstanceKey: r.process_instance_key,
    processDefinitionVersion: r.version,
    creationDate: iso(r.created_at),
    ...(r.completed_at ? { completionDate: iso(r.completed_at) } : {}),
    ...(r.due_date ? { dueDate: iso(r.due_date) } : {}),
    ...(formKey ? { externalFormReference: formKey } : {}),
    priority: r.priority,
    customHeaders,
    tenantId: TENANT,
  };
}

export async function searchUserTasks(db: Queryable, filter: Filter = {}, page?: Page) {
  const where = new Where();
  where.add((p) => `t.user_task_key = ${p}`, eq(filter.userTaskKey));
  where.add((p) => `t.state = ${p}`, eq(filter.state));
  where.add((p) => `t.assignee = ${p}`, eq(filter.assignee));
  where.add((p) => `t.element_id = ${p}`, eq(filter.elementId));
  where.add((p) => `t.candidate_groups ? ${p}`, eq(filter.candidateGroup));
  where.add((p) => `t.process_instance_key = ${p}`, eq(filter.processInstanceKey));
  where.add((p) => `t.bpmn_process_id = ${p}`, eq(filter.processDefinitionId));
  const { rows: count } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM engine.user_tasks t ${where.sql()}`, where.params);
  const params = [...where.params];
  const { rows } = await db.query<UserTaskRow>(`${USER_TASK_SELECT} ${where.sql()} ORDER BY t.created_at, t.user_task_key ${paging(page, params)}`, params);
  return { items: rows.map(toUserTask), page: { totalItems: Number(count[0]?.n ?? 0) } };
}

export async function getUserTask(db: Queryable, key: string) {
  const { rows } = await db.query<UserTaskRow>(`${USER_TASK_SELECT} WHERE t.user_task_key = $1`, [key]);
  return rows[0] ? toUserTask(rows[0]) : undefined;
}

/** The variables a user task sees: its process instance's, then what it was completed with. */
export async function userTaskVariables(db: Queryable, key: string) {
  const { rows } = await db.query<{ process_instance_key: string; user_task_key: string; instance: Record<string, unknown>; local: Record<string, unknown> }>(
    `SELECT t.process_instance_key::text, t.user_task_key::text, i.variables AS instance, t.variables AS local
       FROM engine.user_tasks t JOIN engine.instances i USING (process_instance_key) WHERE t.user_task_key = $1`,
    [key],
  );
  const row = rows[0];
  if (!row) return undefined;
  return variableItems(row.process_instance_key, { ...row.instance, ...row.local });
}

function variableItems(processInstanceKey: string, variables: Record<string, unknown>, names?: string) {
  const items = Object.entries(variables)
    .filter(([name]) => names === undefined || name === names)
    .map(([name, value]) => ({
      variableKey: `${processInstanceKey}-${name}`,
      name,
      value: JSON.stringify(value),
      scopeKey: processInstanceKey,
      processInstanceKey,
      tenantId: TENANT,
      isTruncated: false,
    }));
  return { items, page: { totalItems: items.length } };
}

export async function searchVariables(db: Queryable, filter: Filter = {}) {
  const processInstanceKey = eq(filter.processInstanceKey);
  if (!processInstanceKey) return { items: [], page: { totalItems: 0 } };
  const { rows } = await db.query<{ variables: Record<string, unknown> }>('SELECT variables FROM engine.instances WHERE process_instance_key = $1', [
    processInstanceKey,
  ]);
  return rows[0] ? variableItems(processInstanceKey, rows[0].variables, eq(filter.name)) : { items: [], page: { totalItems: 0 } };
}

export async function searchIncidents(db: Queryable, filter: Filter = {}, page?: Page) {
  const where = new Where();
  where.add((p) => `state = ${p}`, eq(filter.state));
  where.add((p) => `process_instance_key = ${p}`, eq(filter.processInstanceKey));
  where.add((p) => `bpmn_process_id = ${p}`, eq(filter.processDefinitionId));
  where.add((p) => `incident_key = ${p}`, eq(filter.incidentKey));
  where.add((p) => `job_key = ${p}`, eq(filter.jobKey));
  const params = [...where.params];
  const { rows } = await db.query<{
    incident_key: string;
    process_instance_key: string;
    bpmn_process_id: string;
    element_id: string;
    element_instance_key: string;
    job_key: string | null;
    error_type: string;
    error_message: string;
    state: string;
    created_at: Date;
  }>(
    `SELECT incident_key::text, process_instance_key::text, bpmn_process_id, element_id, element_instance_key, job_key, error_type, error_message, state, created_at
       FROM engine.incidents ${where.sql()} ORDER BY created_at, incident_key ${paging(page, params)}`,
    params,
  );
  const items = rows.map((r) => ({
    incidentKey: r.incident_key,
    processInstanceKey: r.process_instance_key,
    processDefinitionId: r.bpmn_process_id,
    processDefinitionKey: '',
    elementId: r.element_id,
    elementInstanceKey: r.element_instance_key,
    ...(r.job_key ? { jobKey: r.job_key } : {}),
    errorType: r.error_type,
    errorMessage: r.error_message,
    state: r.state,
    creationTime: iso(r.created_at),
    tenantId: TENANT,
  }));
  return { items, page: { totalItems: items.length } };
}

export async function searchProcessInstances(db: Queryable, filter: Filter = {}, page?: Page) {
  const where = new Where();
  where.add((p) => `i.process_instance_key = ${p}`, eq(filter.processInstanceKey));
  where.add((p) => `i.bpmn_process_id = ${p}`, eq(filter.processDefinitionId));
  where.add((p) => `i.state = ${p}`, eq(filter.state));
  const params = [...where.params];
  const { rows } = await db.query<{
    process_instance_key: string;
    process_definition_key: string;
    bpmn_process_id: string;
    state: string;
    started_at: Date;
    ended_at: Date | null;
    version: number;
    has_incident: boolean;
  }>(
    `SELECT i.process_instance_key::text, i.process_definition_key::text, i.bpmn_process_id, i.state, i.started_at, i.ended_at, d.version,
            EXISTS (SELECT 1 FROM engine.incidents x WHERE x.process_instance_key = i.process_instance_key AND x.state = 'ACTIVE') AS has_incident
       FROM engine.instances i JOIN engine.definitions d USING (process_definition_key)
       ${where.sql()} ORDER BY i.process_instance_key ${paging(page, params)}`,
    params,
  );
  const items = rows.map((r) => ({
    processInstanceKey: r.process_instance_key,
    processDefinitionKey: r.process_definition_key,
    processDefinitionId: r.bpmn_process_id,
    processDefinitionVersion: r.version,
    state: r.state,
    startDate: iso(r.started_at),
    ...(r.ended_at ? { endDate: iso(r.ended_at) } : {}),
    hasIncident: r.has_incident,
    tenantId: TENANT,
  }));
  return { items, page: { totalItems: items.length } };
}
