import type { DbClient, Queryable } from '../../shared/db';
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

/** One step of an instance: its state and everything the step produced, in one transaction. */
export async function saveStep(tx: DbClient, s: InstanceSave, pending: PendingWrites, correlated: string[]): Promise<void> {
  await tx.query(
    `INSERT INTO engine.instances
       (process_instance_key, process_definition_key, bpmn_process_id, correlation_key, state, variables, engine_state, timers, jobs, wake_at, awaiting_jobs, started_at, ended_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::varchar, $6, $7, $8, $9, $11, $12, $10, CASE WHEN $5::varchar = 'ACTIVE' THEN NULL ELSE $10::timestamptz END, $10)
     ON CONFLICT (process_instance_key) DO UPDATE SET
       state = EXCLUDED.state, variables = EXCLUDED.variables, engine_state = EXCLUDED.engine_state,
       timers = EXCLUDED.timers, jobs = EXCLUDED.jobs, wake_at = EXCLUDED.wake_at, awaiting_jobs = EXCLUDED.awaiting_jobs,
       updated_at = EXCLUDED.updated_at, ended_at = CASE WHEN EXCLUDED.state = 'ACTIVE' THEN NULL ELSE EXCLUDED.updated_at END`,
    [
      s.key, s.definitionKey, s.bpmnProcessId, s.correlationKey ?? null, s.state, JSON.stringify(s.variables),
      s.state === 'ACTIVE' ? JSON.stringify(s.engineState) : null, JSON.stringify(s.timers), JSON.stringify(s.jobs), s.at,
      s.state === 'ACTIVE' && s.wakeAt !== undefined ? new Date(s.wakeAt) : null, s.state === 'ACTIVE' && s.awaitingJobs,
    ],
  );
  if (s.subscriptions !== undefined || s.state !== 'ACTIVE') {
    await tx.query('DELETE FROM engine.subscriptions WHERE process_instance_key = $1', [s.key]);
    const subscriptions = s.state === 'ACTIVE' ? (s.subscriptions ?? []) : [];
    if (subscriptions.length > 0) {
      await tx.query(
        `INSERT INTO engine.subscriptions (process_instance_key, execution_id, element_id, message_name, correlation_key)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])`,
        [s.key, subscriptions.map((x) => x.executionId), subscriptions.map((x) => x.elementId), subscriptions.map((x) => x.messageName), subscriptions.map((x) => x.correlationKey)],
      );
    }
  }
  for (const t of pending.userTasks) {
    await tx.query(
      `INSERT INTO engine.user_tasks
         (user_task_key, process_instance_key, process_definition_key, bpmn_process_id, element_id, element_instance_key, name, state,
          assignee, candidate_groups, priority, due_date, created_at, custom_headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'CREATED', $8, $9, $10, $11, $12, $13)
       ON CONFLICT (process_instance_key, element_instance_key) DO NOTHING`,
      [t.userTaskKey, s.key, s.definitionKey, s.bpmnProcessId, t.elementId, t.elementInstanceKey, t.name, t.assignee ?? null, JSON.stringify(t.candidateGroups), t.priority, t.dueDate ?? null, s.at, JSON.stringify(t.formKey ? { formKey: t.formKey } : {})],
    );
  }
  if (pending.leftUserTasks.length > 0) {
    await tx.query(
      `UPDATE engine.user_tasks SET state = 'CANCELED', completed_at = $3
        WHERE process_instance_key = $1 AND element_instance_key = ANY($2) AND state = 'CREATED'`,
      [s.key, pending.leftUserTasks, s.at],
    );
  }
  if (s.state !== 'ACTIVE') {
    await tx.query(`UPDATE engine.user_tasks SET state = 'CANCELED', completed_at = $2 WHERE process_instance_key = $1 AND state = 'CREATED'`, [s.key, s.at]);
  }
  for (const i of pending.incidents) {
    await tx.query(
      `INSERT INTO engine.incidents
         (incident_key, process_instance_key, bpmn_process_id, element_id, element_instance_key, job_key, error_type, error_message, state, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ACTIVE', $9)`,
      [i.incidentKey, s.key, s.bpmnProcessId, i.elementId, i.elementInstanceKey, i.jobKey ?? null, i.errorType, i.errorMessage, s.at],
    );
  }
  if (correlated.length > 0) {
    await tx.query(`UPDATE engine.messages SET correlated_to = $1 WHERE message_key = ANY($2::bigint[])`, [s.key, correlated]);
  }
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
