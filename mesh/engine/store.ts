import type { Queryable } from '../../shared/db';
import type { PendingWrites, PersistedInstance, Subscription } from './runner';

/** SQL of the embedded engine (schema `engine`, mesh/engine/migrations). */

export interface DefinitionRow {
  process_definition_key: string;
  bpmn_process_id: string;
  version: number;
  checksum: string;
  xml: string;
}

export async function latestDefinitions(db: Queryable): Promise<DefinitionRow[]> {
  const { rows } = await db.query<DefinitionRow>(
    `SELECT DISTINCT ON (bpmn_process_id) process_definition_key::text, bpmn_process_id, version, checksum, xml
       FROM engine.definitions ORDER BY bpmn_process_id, version DESC`,
  );
  return rows;
}

export async function definitionByKey(db: Queryable, key: string): Promise<DefinitionRow | undefined> {
  const { rows } = await db.query<DefinitionRow>(
    `SELECT process_definition_key::text, bpmn_process_id, version, checksum, xml FROM engine.definitions WHERE process_definition_key = $1`,
    [key],
  );
  return rows[0];
}

export async function insertDefinition(db: Queryable, row: DefinitionRow & { resource_name: string }): Promise<void> {
  await db.query(
    `INSERT INTO engine.definitions (process_definition_key, bpmn_process_id, version, resource_name, checksum, xml) VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.process_definition_key, row.bpmn_process_id, row.version, row.resource_name, row.checksum, row.xml],
  );
}

export interface InstanceRow {
  process_instance_key: string;
  process_definition_key: string;
  bpmn_process_id: string;
  correlation_key: string | null;
  variables: Record<string, unknown>;
  timers: Record<string, number>;
  jobs: PersistedInstance['jobs'];
  engine_state: unknown;
}

const INSTANCE_COLUMNS = `process_instance_key::text, process_definition_key::text, bpmn_process_id, correlation_key, variables, timers, jobs, engine_state`;

/** An active instance, as saved after its last step. */
export async function activeInstance(db: Queryable, key: string): Promise<InstanceRow | undefined> {
  const { rows } = await db.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM engine.instances WHERE process_instance_key = $1 AND state = 'ACTIVE'`, [key]);
  return rows[0];
}

/** Active instances with something due (a timer, a job's retry) at `now`, earliest first. */
export async function dueInstances(db: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT process_instance_key::text AS key FROM engine.instances WHERE state = 'ACTIVE' AND wake_at <= $1 ORDER BY wake_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => r.key);
}

/** Active instances with jobs sent and not answered (after `after`, in key order): sent again at start. */
export async function instancesAwaitingJobs(db: Queryable, after: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT process_instance_key::text AS key FROM engine.instances WHERE state = 'ACTIVE' AND awaiting_jobs AND process_instance_key > $1 ORDER BY process_instance_key LIMIT $2`,
    [after, limit],
  );
  return rows.map((r) => r.key);
}

/** Active instances subscribed to this message, oldest first. */
export async function subscribedInstances(db: Queryable, name: string, correlationKey: string): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT DISTINCT process_instance_key::text AS key, process_instance_key FROM engine.subscriptions WHERE message_name = $1 AND correlation_key = $2 ORDER BY process_instance_key`,
    [name, correlationKey],
  );
  return rows.map((r) => r.key);
}

/** The active instance holding a job (an operator's PATCH /jobs/{key}). */
export async function instanceOfJob(db: Queryable, jobKey: string): Promise<string | undefined> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT process_instance_key::text AS key FROM engine.incidents WHERE job_key = $1 AND state = 'ACTIVE'
     UNION ALL
     SELECT process_instance_key::text FROM engine.instances WHERE state = 'ACTIVE' AND awaiting_jobs AND jsonb_path_exists(jobs, '$.*.key ? (@ == $k)', jsonb_build_object('k', $1::text))
     LIMIT 1`,
    [jobKey],
  );
  return rows[0]?.key;
}

export async function hasActiveInstance(db: Queryable, bpmnProcessId: string, correlationKey: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM engine.instances WHERE bpmn_process_id = $1 AND correlation_key = $2 AND state = 'ACTIVE' LIMIT 1`,
    [bpmnProcessId, correlationKey],
  );
  return rows.length > 0;
}

export interface InstanceSave {
  key: string;
  definitionKey: string;
  bpmnProcessId: string;
  correlationKey: string | undefined;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  variables: Record<string, unknown>;
  timers: Record<string, number>;
  jobs: PersistedInstance['jobs'];
  engineState: unknown;
  wakeAt: number | undefined;
  awaitingJobs: boolean;
  /** The instance's subscriptions when they changed in this step (rewritten), else undefined. */
  subscriptions: Subscription[] | undefined;
  at: Date;
}

/** A message as stored: buffered until correlated or expired; `correlated` when the step that stores it took it. */
export interface StoredMessage {
  key: string;
  name: string;
  correlationKey: string;
  messageId?: string;
  variables: Record<string, unknown>;
  publishedAt: Date;
  expiresAt: Date;
}

/** What the command that caused a step writes with it, in the same statement. */
export interface StepExtras {
  /** The message being published (stored; taken by this instance when its key is in `correlated`). */
  message?: StoredMessage;
  completedUserTask?: { key: string; variables: Record<string, unknown> };
  resolvedIncident?: string;
}

/**
 * One step of an instance: its state, everything the step produced and what caused it, written
 * by ONE statement (data-modifying CTEs), so the step is atomic without a transaction and costs
 * one round trip — the engine runs steps one at a time, so round trips are its throughput.
 */
export async function saveStep(db: Queryable, s: InstanceSave, pending: PendingWrites, correlated: string[], extras: StepExtras = {}): Promise<void> {
  const active = s.state === 'ACTIVE';
  const left = new Set(pending.leftUserTasks);
  const message = extras.message;
  await db.query(
    `WITH instance AS (
       INSERT INTO engine.instances
         (process_instance_key, process_definition_key, bpmn_process_id, correlation_key, state, variables, engine_state, timers, jobs, wake_at, awaiting_jobs, started_at, ended_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::varchar, $6, $7, $8, $9, $11, $12, $10, CASE WHEN $5::varchar = 'ACTIVE' THEN NULL ELSE $10::timestamptz END, $10)
       ON CONFLICT (process_instance_key) DO UPDATE SET
         state = EXCLUDED.state, variables = EXCLUDED.variables, engine_state = EXCLUDED.engine_state,
         timers = EXCLUDED.timers, jobs = EXCLUDED.jobs, wake_at = EXCLUDED.wake_at, awaiting_jobs = EXCLUDED.awaiting_jobs,
         updated_at = EXCLUDED.updated_at, ended_at = CASE WHEN EXCLUDED.state = 'ACTIVE' THEN NULL ELSE EXCLUDED.updated_at END
       RETURNING 1),
     subscriptions_gone AS (
       DELETE FROM engine.subscriptions
        WHERE $13::boolean AND process_instance_key = $1
          AND NOT (execution_id = ANY (SELECT x.execution_id FROM jsonb_to_recordset($14::jsonb) AS x(execution_id text)))),
     subscriptions_new AS (
       INSERT INTO engine.subscriptions (process_instance_key, execution_id, element_id, message_name, correlation_key)
       SELECT $1, x.execution_id, x.element_id, x.message_name, x.correlation_key
         FROM jsonb_to_recordset($14::jsonb) AS x(execution_id text, element_id text, message_name text, correlation_key text)
        WHERE $13::boolean
       ON CONFLICT (process_instance_key, execution_id) DO NOTHING),
     tasks_new AS (
       INSERT INTO engine.user_tasks
         (user_task_key, process_instance_key, process_definition_key, bpmn_process_id, element_id, element_instance_key, name, state,
          assignee, candidate_groups, priority, due_date, created_at, completed_at, custom_headers)
       SELECT x.user_task_key, $1, $2, $3, x.element_id, x.element_instance_key, x.name, x.state,
              x.assignee, x.candidate_groups, x.priority, x.due_date, $10, CASE WHEN x.state = 'CREATED' THEN NULL ELSE $10::timestamptz END, x.custom_headers
         FROM jsonb_to_recordset($15::jsonb) AS x(user_task_key bigint, element_id text, element_instance_key text, name text, state text,
              assignee text, candidate_groups jsonb, priority int, due_date timestamptz, custom_headers jsonb)
       ON CONFLICT (process_instance_key, element_instance_key) DO NOTHING),
     tasks_left AS (
       UPDATE engine.user_tasks SET state = 'CANCELED', completed_at = $10
        WHERE process_instance_key = $1 AND state = 'CREATED' AND ($5::varchar <> 'ACTIVE' OR element_instance_key = ANY ($16::text[]))
          AND user_task_key IS DISTINCT FROM $20::bigint),
     task_done AS (
       UPDATE engine.user_tasks SET state = 'COMPLETED', completed_at = $10, variables = $21 WHERE user_task_key = $20::bigint),
     incidents_new AS (
       INSERT INTO engine.incidents
         (incident_key, process_instance_key, bpmn_process_id, element_id, element_instance_key, job_key, error_type, error_message, state, created_at)
       SELECT x.incident_key, $1, $3, x.element_id, x.element_instance_key, x.job_key, x.error_type, x.error_message, 'ACTIVE', $10
         FROM jsonb_to_recordset($17::jsonb) AS x(incident_key bigint, element_id text, element_instance_key text, job_key text, error_type text, error_message text)),
     incident_resolved AS (
       UPDATE engine.incidents SET state = 'RESOLVED', resolved_at = $10 WHERE incident_key = $22::bigint),
     messages_taken AS (
       UPDATE engine.messages SET correlated_to = $1 WHERE message_key = ANY ($18::bigint[])),
     message_new AS (
       INSERT INTO engine.messages (message_key, name, correlation_key, message_id, variables, published_at, expires_at, correlated_to)
       SELECT x.message_key, x.name, x.correlation_key, x.message_id, x.variables, x.published_at, x.expires_at, CASE WHEN x.correlated THEN $1::bigint END
         FROM jsonb_to_recordset($19::jsonb) AS x(message_key bigint, name text, correlation_key text, message_id text, variables jsonb, published_at timestamptz, expires_at timestamptz, correlated boolean)
       ON CONFLICT (name, message_id) WHERE message_id IS NOT NULL DO UPDATE SET
         message_key = EXCLUDED.message_key, correlation_key = EXCLUDED.correlation_key, variables = EXCLUDED.variables,
         published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at, correlated_to = EXCLUDED.correlated_to)
     SELECT 1 FROM instance`,
    [
      s.key,
      s.definitionKey,
      s.bpmnProcessId,
      s.correlationKey ?? null,
      s.state,
      JSON.stringify(s.variables),
      active ? JSON.stringify(s.engineState) : null,
      JSON.stringify(s.timers),
      JSON.stringify(s.jobs),
      s.at,
      active && s.wakeAt !== undefined ? new Date(s.wakeAt) : null,
      active && s.awaitingJobs,
      s.subscriptions !== undefined || !active,
      JSON.stringify((active ? (s.subscriptions ?? []) : []).map((x) => ({ execution_id: x.executionId, element_id: x.elementId, message_name: x.messageName, correlation_key: x.correlationKey }))),
      JSON.stringify(
        pending.userTasks.map((t) => ({
          user_task_key: t.userTaskKey,
          element_id: t.elementId,
          element_instance_key: t.elementInstanceKey,
          name: t.name,
          state: !active || left.has(t.elementInstanceKey) ? 'CANCELED' : 'CREATED',
          assignee: t.assignee ?? null,
          candidate_groups: t.candidateGroups,
          priority: t.priority,
          due_date: t.dueDate ?? null,
          custom_headers: t.formKey ? { formKey: t.formKey } : {},
        })),
      ),
      pending.leftUserTasks,
      JSON.stringify(
        pending.incidents.map((i) => ({
          incident_key: i.incidentKey,
          element_id: i.elementId,
          element_instance_key: i.elementInstanceKey,
          job_key: i.jobKey ?? null,
          error_type: i.errorType,
          error_message: i.errorMessage,
        })),
      ),
      correlated.filter((key) => key !== message?.key),
      JSON.stringify(message ? [messageRecord(message, correlated.includes(message.key))] : []),
      extras.completedUserTask?.key ?? null,
      JSON.stringify(extras.completedUserTask?.variables ?? {}),
      extras.resolvedIncident ?? null,
    ],
  );
}

const messageRecord = (m: StoredMessage, correlated: boolean) => ({
  message_key: m.key,
  name: m.name,
  correlation_key: m.correlationKey,
  message_id: m.messageId ?? null,
  variables: m.variables,
  published_at: m.publishedAt.toISOString(),
  expires_at: m.expiresAt.toISOString(),
  correlated,
});

/** A published message nothing took yet: buffered for its time to live (an expired one with the same id is replaced). */
export async function bufferMessage(db: Queryable, m: StoredMessage): Promise<void> {
  await db.query(
    `INSERT INTO engine.messages (message_key, name, correlation_key, message_id, variables, published_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (name, message_id) WHERE message_id IS NOT NULL DO UPDATE SET
       message_key = EXCLUDED.message_key, correlation_key = EXCLUDED.correlation_key, variables = EXCLUDED.variables,
       published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at, correlated_to = NULL`,
    [m.key, m.name, m.correlationKey, m.messageId ?? null, JSON.stringify(m.variables), m.publishedAt, m.expiresAt],
  );
}

export interface MessageRow {
  message_key: string;
  name: string;
  correlation_key: string;
  variables: Record<string, unknown>;
}

/** Buffered messages a new subscription may take (oldest first), still alive. */
export async function bufferedMessage(db: Queryable, name: string, correlationKey: string, now: Date, exclude: string[]): Promise<MessageRow | undefined> {
  const { rows } = await db.query<MessageRow>(
    `SELECT message_key::text, name, correlation_key, variables FROM engine.messages
      WHERE name = $1 AND correlation_key = $2 AND correlated_to IS NULL AND expires_at > $3 AND NOT (message_key = ANY($4::bigint[]))
      ORDER BY message_key LIMIT 1`,
    [name, correlationKey, now, exclude],
  );
  return rows[0];
}
