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

/** The active instances among these keys, as saved after their last step. */
export async function activeInstances(db: Queryable, keys: string[]): Promise<InstanceRow[]> {
  const { rows } = await db.query<InstanceRow>(
    `SELECT ${INSTANCE_COLUMNS} FROM engine.instances WHERE process_instance_key = ANY($1::bigint[]) AND state = 'ACTIVE'`,
    [keys],
  );
  return rows;
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

export interface PublishLookup {
  /** When a buffered message with the publish's id expires (a live one makes the publish a duplicate). */
  messageIdExpiresAt: Date | undefined;
  /** Which of the processes the message would start already run for its correlation key (one active instance per key). */
  activeProcesses: string[];
  /** Active instances subscribed to the message, oldest first. */
  subscribedInstances: string[];
}

/** What each of several publishes must know, in one round trip for all of them. */
export async function publishLookups(
  db: Queryable,
  publishes: { name: string; correlationKey: string; messageId: string | undefined; startsProcesses: string[] }[],
): Promise<PublishLookup[]> {
  if (publishes.length === 0) return [];
  const { rows } = await db.query<{ n: number; expires_at: Date | null; active: string[]; subscribed: string[] }>(
    `SELECT p.n,
            (SELECT expires_at FROM engine.messages WHERE p.message_id IS NOT NULL AND name = p.name AND message_id = p.message_id) AS expires_at,
            ARRAY(SELECT DISTINCT bpmn_process_id::text FROM engine.instances
                   WHERE cardinality(p.starts) > 0 AND bpmn_process_id = ANY (p.starts) AND correlation_key = p.correlation_key AND state = 'ACTIVE') AS active,
            ARRAY(SELECT k::text FROM (SELECT DISTINCT process_instance_key AS k FROM engine.subscriptions
                                        WHERE message_name = p.name AND correlation_key = p.correlation_key) s ORDER BY k) AS subscribed
       FROM jsonb_to_recordset($1::jsonb) AS p(n int, name text, correlation_key text, message_id text, starts text[])`,
    [
      JSON.stringify(
        publishes.map((p, n) => ({ n, name: p.name, correlation_key: p.correlationKey, message_id: p.messageId ?? null, starts: p.startsProcesses })),
      ),
    ],
  );
  const byIndex = new Map(rows.map((r) => [r.n, r]));
  return publishes.map((_, n) => {
    const row = byIndex.get(n);
    return { messageIdExpiresAt: row?.expires_at ?? undefined, activeProcesses: row?.active ?? [], subscribedInstances: row?.subscribed ?? [] };
  });
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
  /** Messages being published (stored with the step; taken by this instance when their key is in `correlated`). */
  messages?: StoredMessage[];
  completedUserTask?: { key: string; variables: Record<string, unknown> };
  resolvedIncident?: string;
}

/** One instance's step as saved: its state, what the step produced, what caused it. */
export interface Step {
  save: InstanceSave;
  pending: PendingWrites;
  /** Buffered messages the step took (a message stored with the step is named in `extras`). */
  correlated: string[];
  extras?: StepExtras;
}

/**
 * Steps of one or more instances — their state, everything each produced and what caused it —
 * written by ONE statement (data-modifying CTEs over JSON record sets), so they are atomic
 * without a transaction and cost one round trip however many there are: the engine runs steps
 * one batch at a time, so round trips are its throughput.
 */
export async function saveSteps(db: Queryable, steps: Step[]): Promise<void> {
  if (steps.length === 0) return;
  const rows = <T>(f: (step: Step, active: boolean) => T[]) => JSON.stringify(steps.flatMap((step) => f(step, step.save.state === 'ACTIVE')));
  const instances = rows(({ save: s, extras }, active) => [
    {
      process_instance_key: s.key,
      process_definition_key: s.definitionKey,
      bpmn_process_id: s.bpmnProcessId,
      correlation_key: s.correlationKey ?? null,
      state: s.state,
      variables: s.variables,
      engine_state: active ? s.engineState : null,
      timers: s.timers,
      jobs: s.jobs,
      wake_at: active && s.wakeAt !== undefined ? new Date(s.wakeAt).toISOString() : null,
      awaiting_jobs: active && s.awaitingJobs,
      rewrite_subscriptions: s.subscriptions !== undefined || !active,
      at: s.at.toISOString(),
      completed_user_task: extras?.completedUserTask?.key ?? null,
      completed_variables: extras?.completedUserTask?.variables ?? null,
      resolved_incident: extras?.resolvedIncident ?? null,
    },
  ]);
  const subscriptions = rows(({ save: s }, active) =>
    (active ? (s.subscriptions ?? []) : []).map((x) => ({
      process_instance_key: s.key,
      execution_id: x.executionId,
      element_id: x.elementId,
      message_name: x.messageName,
      correlation_key: x.correlationKey,
    })),
  );
  const userTasks = rows(({ save: s, pending }, active) =>
    pending.userTasks.map((t) => ({
      user_task_key: t.userTaskKey,
      process_instance_key: s.key,
      process_definition_key: s.definitionKey,
      bpmn_process_id: s.bpmnProcessId,
      element_id: t.elementId,
      element_instance_key: t.elementInstanceKey,
      name: t.name,
      state: !active || pending.leftUserTasks.includes(t.elementInstanceKey) ? 'CANCELED' : 'CREATED',
      assignee: t.assignee ?? null,
      candidate_groups: t.candidateGroups,
      priority: t.priority,
      due_date: t.dueDate ?? null,
      custom_headers: t.formKey ? { formKey: t.formKey } : {},
      at: s.at.toISOString(),
    })),
  );
  const leftUserTasks = rows(({ save: s, pending }) =>
    pending.leftUserTasks.map((elementInstanceKey) => ({ process_instance_key: s.key, element_instance_key: elementInstanceKey })),
  );
  const incidents = rows(({ save: s, pending }) =>
    pending.incidents.map((i) => ({
      incident_key: i.incidentKey,
      process_instance_key: s.key,
      bpmn_process_id: s.bpmnProcessId,
      element_id: i.elementId,
      element_instance_key: i.elementInstanceKey,
      job_key: i.jobKey ?? null,
      error_type: i.errorType,
      error_message: i.errorMessage,
      at: s.at.toISOString(),
    })),
  );
  const taken = rows(({ save: s, correlated, extras }) =>
    correlated.filter((key) => !publishedHere(extras, key)).map((messageKey) => ({ message_key: messageKey, process_instance_key: s.key })),
  );
  const published = rows(({ save: s, correlated, extras }) =>
    (extras?.messages ?? []).map((m) => ({ ...messageRecord(m, correlated.includes(m.key)), process_instance_key: s.key })),
  );
  await db.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         process_instance_key bigint, process_definition_key bigint, bpmn_process_id text, correlation_key text, state text,
         variables jsonb, engine_state jsonb, timers jsonb, jobs jsonb, wake_at timestamptz, awaiting_jobs boolean,
         rewrite_subscriptions boolean, at timestamptz, completed_user_task bigint, completed_variables jsonb, resolved_incident bigint)),
     instance AS (
       INSERT INTO engine.instances
         (process_instance_key, process_definition_key, bpmn_process_id, correlation_key, state, variables, engine_state, timers, jobs, wake_at, awaiting_jobs, started_at, ended_at, updated_at)
       SELECT process_instance_key, process_definition_key, bpmn_process_id, correlation_key, state, variables, engine_state, timers, jobs, wake_at, awaiting_jobs,
              at, CASE WHEN state = 'ACTIVE' THEN NULL ELSE at END, at
         FROM input
       ON CONFLICT (process_instance_key) DO UPDATE SET
         state = EXCLUDED.state, variables = EXCLUDED.variables, engine_state = EXCLUDED.engine_state,
         timers = EXCLUDED.timers, jobs = EXCLUDED.jobs, wake_at = EXCLUDED.wake_at, awaiting_jobs = EXCLUDED.awaiting_jobs,
         updated_at = EXCLUDED.updated_at, ended_at = CASE WHEN EXCLUDED.state = 'ACTIVE' THEN NULL ELSE EXCLUDED.updated_at END
       RETURNING 1),
     subscription AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(process_instance_key bigint, execution_id text, element_id text, message_name text, correlation_key text)),
     subscriptions_gone AS (
       DELETE FROM engine.subscriptions s
        WHERE s.process_instance_key = ANY ($8::bigint[])
          AND NOT EXISTS (SELECT 1 FROM subscription n WHERE n.process_instance_key = s.process_instance_key AND n.execution_id = s.execution_id)),
     subscriptions_new AS (
       INSERT INTO engine.subscriptions (process_instance_key, execution_id, element_id, message_name, correlation_key)
       SELECT n.process_instance_key, n.execution_id, n.element_id, n.message_name, n.correlation_key
         FROM subscription n JOIN input i USING (process_instance_key) WHERE i.rewrite_subscriptions
       ON CONFLICT (process_instance_key, execution_id) DO NOTHING),
     tasks_new AS (
       INSERT INTO engine.user_tasks
         (user_task_key, process_instance_key, process_definition_key, bpmn_process_id, element_id, element_instance_key, name, state,
          assignee, candidate_groups, priority, due_date, created_at, completed_at, custom_headers)
       SELECT x.user_task_key, x.process_instance_key, x.process_definition_key, x.bpmn_process_id, x.element_id, x.element_instance_key, x.name, x.state,
              x.assignee, x.candidate_groups, x.priority, x.due_date, x.at, CASE WHEN x.state = 'CREATED' THEN NULL ELSE x.at END, x.custom_headers
         FROM jsonb_to_recordset($3::jsonb) AS x(user_task_key bigint, process_instance_key bigint, process_definition_key bigint, bpmn_process_id text,
              element_id text, element_instance_key text, name text, state text, assignee text, candidate_groups jsonb, priority int,
              due_date timestamptz, custom_headers jsonb, at timestamptz)
       ON CONFLICT (process_instance_key, element_instance_key) DO NOTHING),
     tasks_left AS (
       UPDATE engine.user_tasks t SET state = 'CANCELED', completed_at = i.at
         FROM input i
        WHERE t.process_instance_key = ANY ($9::bigint[]) AND t.process_instance_key = i.process_instance_key AND t.state = 'CREATED'
          AND t.user_task_key IS DISTINCT FROM i.completed_user_task
          AND (i.state <> 'ACTIVE' OR EXISTS (
                SELECT 1 FROM jsonb_to_recordset($4::jsonb) AS l(process_instance_key bigint, element_instance_key text)
                 WHERE l.process_instance_key = t.process_instance_key AND l.element_instance_key = t.element_instance_key))),
     task_done AS (
       UPDATE engine.user_tasks t SET state = 'COMPLETED', completed_at = i.at, variables = i.completed_variables
         FROM input i WHERE t.user_task_key = ANY ($10::bigint[]) AND t.user_task_key = i.completed_user_task),
     incidents_new AS (
       INSERT INTO engine.incidents
         (incident_key, process_instance_key, bpmn_process_id, element_id, element_instance_key, job_key, error_type, error_message, state, created_at)
       SELECT x.incident_key, x.process_instance_key, x.bpmn_process_id, x.element_id, x.element_instance_key, x.job_key, x.error_type, x.error_message, 'ACTIVE', x.at
         FROM jsonb_to_recordset($5::jsonb) AS x(incident_key bigint, process_instance_key bigint, bpmn_process_id text, element_id text,
              element_instance_key text, job_key text, error_type text, error_message text, at timestamptz)),
     incident_resolved AS (
       UPDATE engine.incidents c SET state = 'RESOLVED', resolved_at = i.at FROM input i WHERE c.incident_key = ANY ($11::bigint[]) AND c.incident_key = i.resolved_incident),
     messages_taken AS (
       UPDATE engine.messages m SET correlated_to = x.process_instance_key
         FROM jsonb_to_recordset($6::jsonb) AS x(message_key bigint, process_instance_key bigint) WHERE m.message_key = ANY ($12::bigint[]) AND m.message_key = x.message_key),
     message_new AS (
       INSERT INTO engine.messages (message_key, name, correlation_key, message_id, variables, published_at, expires_at, correlated_to)
       SELECT x.message_key, x.name, x.correlation_key, x.message_id, x.variables, x.published_at, x.expires_at, CASE WHEN x.correlated THEN x.process_instance_key END
         FROM jsonb_to_recordset($7::jsonb) AS x(message_key bigint, name text, correlation_key text, message_id text, variables jsonb,
              published_at timestamptz, expires_at timestamptz, correlated boolean, process_instance_key bigint)
       ON CONFLICT (name, message_id) WHERE message_id IS NOT NULL DO UPDATE SET
         message_key = EXCLUDED.message_key, correlation_key = EXCLUDED.correlation_key, variables = EXCLUDED.variables,
         published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at, correlated_to = EXCLUDED.correlated_to)
     SELECT count(*) FROM instance`,
    [
      instances,
      subscriptions,
      userTasks,
      leftUserTasks,
      incidents,
      taken,
      published,
      // The same keys again as arrays: the planner takes an index for `= ANY(array)`, while it
      // guesses 100 rows for a JSON record set and would scan the whole table to join it.
      steps.filter(({ save: s }) => s.subscriptions !== undefined || s.state !== 'ACTIVE').map(({ save: s }) => s.key),
      steps.filter(({ save: s, pending }) => s.state !== 'ACTIVE' || pending.leftUserTasks.length > 0).map(({ save: s }) => s.key),
      steps.flatMap(({ extras }) => (extras?.completedUserTask ? [extras.completedUserTask.key] : [])),
      steps.flatMap(({ extras }) => (extras?.resolvedIncident ? [extras.resolvedIncident] : [])),
      steps.flatMap(({ correlated, extras }) => correlated.filter((key) => !publishedHere(extras, key))),
    ],
  );
}

const publishedHere = (extras: StepExtras | undefined, messageKey: string) => !!extras?.messages?.some((m) => m.key === messageKey);

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

/** Published messages nothing took yet: buffered for their time to live (an expired one with the same id is replaced). */
export async function bufferMessages(db: Queryable, messages: StoredMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db.query(
    `INSERT INTO engine.messages (message_key, name, correlation_key, message_id, variables, published_at, expires_at)
     SELECT x.message_key, x.name, x.correlation_key, x.message_id, x.variables, x.published_at, x.expires_at
       FROM jsonb_to_recordset($1::jsonb) AS x(message_key bigint, name text, correlation_key text, message_id text, variables jsonb, published_at timestamptz, expires_at timestamptz)
     ON CONFLICT (name, message_id) WHERE message_id IS NOT NULL DO UPDATE SET
       message_key = EXCLUDED.message_key, correlation_key = EXCLUDED.correlation_key, variables = EXCLUDED.variables,
       published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at, correlated_to = NULL`,
    [JSON.stringify(messages.map((m) => messageRecord(m, false)))],
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
