import type { ModelFile } from '../../bpmn/models';
import { withTransaction, type Db, type DbClient } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { dispatchJob } from '../../shared/workflow/dispatch';
import { answerToJobCommand, defaultRetryPolicy, type Job, type RetryPolicy } from '../../shared/workflow/job';
import { EngineClock } from './clock';
import { KeySource } from './keys';
import { readModels, type ProcessModel } from './model';
import { InstanceRunner } from './runner';
import * as store from './store';

export class EngineNotFound extends Error {}
export class EngineConflict extends Error {
  constructor(
    message: string,
    /** Camunda's problem title: ALREADY_EXISTS (a message id) or INVALID_STATE (a task assigned to another). */
    readonly title: 'ALREADY_EXISTS' | 'INVALID_STATE',
  ) {
    super(message);
  }
}
export class EngineInvalid extends Error {}

export interface EmbeddedEngineOptions {
  db: Db;
  models: ModelFile[];
  /** The URL of the worker function for a task type (bpmn/contract.ts → the mesh's routes). */
  workerUrl(taskType: string): string | undefined;
  logger: Logger;
  clock?: EngineClock;
  /** How long a worker may take to answer before the job is failed and retried. */
  dispatchTimeoutMs?: number;
  retryPolicy?: RetryPolicy;
  /** How often due timers and job retries are looked for. */
  tickMs?: number;
}

interface Deployed {
  definitionKey: string;
  version: number;
  model: ProcessModel;
}

/**
 * The local stand-in for Zeebe (DESIGN §4): runs the same `.bpmn` files with bpmn-engine,
 * dispatches service tasks to the worker functions through the bridge contract
 * (shared/workflow: the job as a CloudEvent, the answer mapped to complete / BPMN error / fail),
 * and keeps every instance in Postgres after each step, so a restart resumes it, timers included.
 *
 * One step at a time: every change runs under one lock, then is persisted before any job it
 * created is sent. Plenty for development and tests (DESIGN measured 100–300 instances/s).
 */
export class EmbeddedEngine {
  readonly clock: EngineClock;
  private readonly keys: KeySource;
  private readonly runners = new Map<string, InstanceRunner>();
  private readonly latest = new Map<string, Deployed>();
  private readonly byDefinitionKey = new Map<string, Deployed>();
  private readonly inFlight = new Set<Promise<void>>();
  private lockChain: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | undefined;
  private readonly unsubscribeClock: () => void;
  private stopped = false;
  private readonly retryPolicy: RetryPolicy;

  private constructor(private readonly options: EmbeddedEngineOptions) {
    this.clock = options.clock ?? new EngineClock();
    this.keys = new KeySource(options.db);
    this.retryPolicy = options.retryPolicy ?? defaultRetryPolicy;
    this.unsubscribeClock = this.clock.onChange(() => void this.tick());
  }

  static async start(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
    const engine = new EmbeddedEngine(options);
    await engine.deploy(options.models);
    await engine.recover();
    engine.ticker = setInterval(() => void engine.tick(), options.tickMs ?? 250);
    engine.ticker.unref();
    return engine;
  }

  /** Deploys every model whose content changed as a new version (as Camunda does on deploy). */
  async deploy(files: ModelFile[]): Promise<{ bpmnProcessId: string; version: number; definitionKey: string; resourceName: string }[]> {
    return this.locked(async () => {
      const current = new Map((await store.latestDefinitions(this.options.db)).map((d) => [d.bpmn_process_id, d]));
      const deployed = [];
      for (const file of files) {
        for (const model of await readModels(file.xml)) {
          let row = current.get(model.bpmnProcessId);
          if (!row || row.checksum !== model.checksum) {
            await this.keys.reserve(1);
            row = { process_definition_key: this.keys.next(), bpmn_process_id: model.bpmnProcessId, version: (row?.version ?? 0) + 1, checksum: model.checksum, xml: model.xml };
            await store.insertDefinition(this.options.db, { ...row, resource_name: file.name });
            this.options.logger.info('process deployed', { bpmnProcessId: model.bpmnProcessId, version: row.version });
          }
          const entry = { definitionKey: row.process_definition_key, version: row.version, model };
          this.latest.set(model.bpmnProcessId, entry);
          this.byDefinitionKey.set(entry.definitionKey, entry);
          deployed.push({ bpmnProcessId: model.bpmnProcessId, version: row.version, definitionKey: row.process_definition_key, resourceName: file.name });
        }
      }
      return deployed;
    });
  }

  async createInstance(bpmnProcessId: string, variables: Record<string, unknown>): Promise<{ processInstanceKey: string; processDefinitionKey: string; version: number }> {
    return this.locked(async () => {
      const deployed = this.latest.get(bpmnProcessId);
      if (!deployed) throw new EngineNotFound(`no process definition with id '${bpmnProcessId}' is deployed`);
      if (deployed.model.messageStart) throw new EngineInvalid(`process '${bpmnProcessId}' starts by message '${deployed.model.messageStart}': publish it`);
      const runner = await this.startRunner(deployed, variables, undefined, false);
      return { processInstanceKey: runner.key, processDefinitionKey: deployed.definitionKey, version: deployed.version };
    });
  }

  /**
   * Zeebe's publish: the message starts a process whose message start event has its name (one
   * active instance per correlation key), correlates to waiting subscriptions, or waits in the
   * buffer for its time to live. A message id already buffered is refused (409 in the REST API).
   */
  async publishMessage(m: { name: string; correlationKey: string; variables: Record<string, unknown>; timeToLiveMs: number; messageId?: string }): Promise<{ messageKey: string }> {
    return this.locked(async () => {
      const now = new Date(this.clock.now());
      await this.keys.reserve();
      const messageKey = this.keys.next();
      if (m.messageId) {
        const { rows } = await this.options.db.query<{ expires_at: Date }>(
          'SELECT expires_at FROM platform.workflow_messages WHERE name = $1 AND message_id = $2', [m.name, m.messageId]);
        if (rows[0] && rows[0].expires_at > now) throw new EngineConflict(`a message with name '${m.name}' and id '${m.messageId}' is already published`, 'ALREADY_EXISTS');
      }
      // The message is written in the same transaction as the instance it starts or advances:
      // a failed step leaves no message behind that a retry with the same id would collide with.
      const record = async (tx: DbClient) => {
        if (m.messageId) await tx.query('DELETE FROM platform.workflow_messages WHERE name = $1 AND message_id = $2', [m.name, m.messageId]);
        await tx.query(
          `INSERT INTO platform.workflow_messages (message_key, name, correlation_key, message_id, variables, published_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [messageKey, m.name, m.correlationKey, m.messageId ?? null, JSON.stringify(m.variables), now, new Date(now.getTime() + m.timeToLiveMs)],
        );
      };
      for (const deployed of this.latest.values()) {
        if (deployed.model.messageStart !== m.name) continue;
        if (await store.hasActiveInstance(this.options.db, deployed.model.bpmnProcessId, m.correlationKey)) continue;
        await this.startRunner(deployed, m.variables, m.correlationKey, true, [messageKey], record);
        return { messageKey };
      }
      for (const runner of this.runners.values()) {
        await this.keys.reserve();
        if (runner.correlate(m.name, m.correlationKey, m.variables)) {
          await this.settle(runner, [messageKey], record);
          return { messageKey };
        }
      }
      await withTransaction(this.options.db, record);
      return { messageKey };
    });
  }

  async assignUserTask(userTaskKey: string, assignee: string | null, allowOverride: boolean): Promise<void> {
    return this.locked(async () => {
      const { rows } = await this.options.db.query<{ assignee: string | null }>(
        `SELECT assignee FROM platform.workflow_user_tasks WHERE user_task_key = $1 AND state = 'CREATED'`,
        [userTaskKey],
      );
      const task = rows[0];
      if (!task) throw new EngineNotFound(`no active user task with key '${userTaskKey}'`);
      if (assignee !== null && !allowOverride && task.assignee && task.assignee !== assignee) {
        throw new EngineConflict(`user task '${userTaskKey}' is already assigned to '${task.assignee}'`, 'INVALID_STATE');
      }
      await this.options.db.query('UPDATE platform.workflow_user_tasks SET assignee = $2 WHERE user_task_key = $1', [userTaskKey, assignee]);
    });
  }

  async completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<void> {
    return this.locked(async () => {
      const { rows } = await this.options.db.query<{ process_instance_key: string; element_instance_key: string }>(
        `SELECT process_instance_key::text, element_instance_key FROM platform.workflow_user_tasks WHERE user_task_key = $1 AND state = 'CREATED'`,
        [userTaskKey],
      );
      const task = rows[0];
      const runner = task && this.runners.get(task.process_instance_key);
      if (!task || !runner) throw new EngineNotFound(`no active user task with key '${userTaskKey}'`);
      await this.keys.reserve();
      if (!runner.completeUserTask(task.element_instance_key, variables)) throw new EngineConflict(`user task '${userTaskKey}' is not waiting`, 'INVALID_STATE');
      await this.settle(runner, [], async (tx) => {
        await tx.query(`UPDATE platform.workflow_user_tasks SET state = 'COMPLETED', completed_at = $2, variables = $3 WHERE user_task_key = $1`, [userTaskKey, new Date(this.clock.now()), JSON.stringify(variables)]);
      });
    });
  }

  /** Camunda's PATCH /jobs/{key}: an operator gives a job new retries before resolving its incident. */
  async updateJobRetries(jobKey: string, retries: number): Promise<void> {
    return this.locked(async () => {
      const runner = [...this.runners.values()].find((r) => r.setJobRetries(jobKey, retries));
      if (!runner) throw new EngineNotFound(`no job with key '${jobKey}'`);
      await this.settle(runner, []);
    });
  }

  async resolveIncident(incidentKey: string): Promise<void> {
    return this.locked(async () => {
      const { rows } = await this.options.db.query<{ process_instance_key: string; job_key: string | null }>(
        `SELECT process_instance_key::text, job_key FROM platform.workflow_incidents WHERE incident_key = $1 AND state = 'ACTIVE'`,
        [incidentKey],
      );
      const incident = rows[0];
      const runner = incident && this.runners.get(incident.process_instance_key);
      if (!incident || !runner || !incident.job_key || !runner.resolveJobIncident(incident.job_key)) {
        throw new EngineNotFound(`no active incident with key '${incidentKey}' that can be resolved`);
      }
      await this.settle(runner, [], async (tx) => {
        await tx.query(`UPDATE platform.workflow_incidents SET state = 'RESOLVED', resolved_at = $2 WHERE incident_key = $1`, [incidentKey, new Date(this.clock.now())]);
      });
    });
  }

  /** Resolves when nothing is in flight: no job waiting for its worker, no step running. */
  async idle(): Promise<void> {
    for (;;) {
      await this.locked(() => Promise.resolve());
      if (this.inFlight.size === 0) return;
      await Promise.allSettled([...this.inFlight]);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.unsubscribeClock();
    await this.locked(() => Promise.resolve());
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
    for (const runner of this.runners.values()) runner.stop();
    this.runners.clear();
  }

  private async recover(): Promise<void> {
    await this.locked(async () => {
      for (const row of await store.activeInstances(this.options.db)) {
        const deployed = await this.deployedByKey(row.process_definition_key);
        await this.keys.reserve();
        const runner = new InstanceRunner(row.process_instance_key, deployed.definitionKey, deployed.model, row.correlation_key ?? undefined, this.keys, () => this.clock.now(), {
          variables: row.variables,
          timers: row.timers,
          jobs: row.jobs,
          engineState: row.engine_state,
        });
        this.runners.set(runner.key, runner);
        await runner.resume();
        await this.settle(runner, []);
      }
      if (this.runners.size > 0) this.options.logger.info('process instances resumed', { count: this.runners.size });
    });
  }

  private async deployedByKey(definitionKey: string): Promise<Deployed> {
    const known = this.byDefinitionKey.get(definitionKey);
    if (known) return known;
    const row = await store.definitionByKey(this.options.db, definitionKey);
    if (!row) throw new Error(`process definition ${definitionKey} is missing`);
    const model = (await readModels(row.xml)).find((m) => m.bpmnProcessId === row.bpmn_process_id);
    if (!model) throw new Error(`process definition ${definitionKey} has no process ${row.bpmn_process_id}`);
    const entry = { definitionKey, version: row.version, model };
    this.byDefinitionKey.set(definitionKey, entry);
    return entry;
  }

  private async startRunner(
    deployed: Deployed,
    variables: Record<string, unknown>,
    correlationKey: string | undefined,
    byMessage: boolean,
    correlated: string[] = [],
    first?: (tx: DbClient) => Promise<void>,
  ): Promise<InstanceRunner> {
    await this.keys.reserve();
    const runner = new InstanceRunner(this.keys.next(), deployed.definitionKey, deployed.model, correlationKey, this.keys, () => this.clock.now());
    Object.assign(runner.variables, variables);
    this.runners.set(runner.key, runner);
    try {
      await runner.start(byMessage);
      await this.settle(runner, correlated, first);
    } catch (error) {
      // Never saved: it does not exist.
      this.runners.delete(runner.key);
      throw error;
    }
    return runner;
  }

  /**
   * Ends a step: lets new subscriptions take buffered messages, persists the instance with what
   * the step produced, then sends the jobs it created.
   */
  /** `first` runs in the step's transaction before the instance is saved (what the step answers). */
  private async settle(runner: InstanceRunner, correlated: string[], first?: (tx: DbClient) => Promise<void>): Promise<void> {
    const now = new Date(this.clock.now());
    for (;;) {
      const subscription = runner.pending.newSubscriptions.shift();
      if (!subscription) break;
      if (!runner.subscriptions.has(subscription.executionId)) continue;
      const message = await store.bufferedMessage(this.options.db, subscription.messageName, subscription.correlationKey, now, correlated);
      if (!message) continue;
      await this.keys.reserve();
      if (runner.correlate(message.name, message.correlation_key, message.variables)) correlated.push(message.message_key);
    }
    const pending = runner.takePending();
    if (runner.failure) {
      pending.incidents.push({ incidentKey: this.keys.next(), elementId: runner.model.bpmnProcessId, elementInstanceKey: runner.key, errorType: 'UNKNOWN', errorMessage: runner.failure });
      runner.failure = undefined;
    }
    const state = runner.ended ? 'COMPLETED' : 'ACTIVE';
    await withTransaction(this.options.db, async (tx) => {
      await first?.(tx);
      await store.saveStep(
        tx,
        {
          key: runner.key,
          definitionKey: runner.definitionKey,
          bpmnProcessId: runner.model.bpmnProcessId,
          correlationKey: runner.correlationKey,
          state,
          variables: runner.variables,
          timers: runner.timers,
          jobs: runner.jobs,
          engineState: runner.ended ? null : runner.engineState(),
          at: now,
        },
        pending,
        correlated,
      );
    });
    if (runner.ended) {
      this.runners.delete(runner.key);
      return;
    }
    this.dispatch(runner);
  }

  private dispatch(runner: InstanceRunner): void {
    for (const executionId of [...runner.toDispatch]) {
      runner.toDispatch.delete(executionId);
      const state = runner.jobs[executionId];
      if (!state) continue;
      const def = runner.model.serviceTasks.get(state.elementId);
      if (!def) continue;
      let variables: Record<string, unknown>;
      try {
        variables = runner.jobVariables(executionId);
      } catch (error) {
        runner.applyJobCommand(executionId, state.key, { kind: 'fail', errorMessage: `input mapping failed: ${(error as Error).message}`, retries: 0, retryBackOffMs: 0 });
        continue;
      }
      const job: Job = {
        key: state.key,
        type: def.type,
        processInstanceKey: runner.key,
        bpmnProcessId: runner.model.bpmnProcessId,
        elementId: state.elementId,
        retries: state.retries,
        deadline: this.clock.now() + (this.options.dispatchTimeoutMs ?? 30_000),
        variables,
        customHeaders: def.headers,
      };
      const sent = this.send(runner, executionId, job).finally(() => this.inFlight.delete(sent));
      this.inFlight.add(sent);
    }
  }

  private async send(runner: InstanceRunner, executionId: string, job: Job): Promise<void> {
    const url = this.options.workerUrl(job.type);
    const answer = url
      ? await dispatchJob(job, { url, source: '/mesh/engine', timeoutMs: this.options.dispatchTimeoutMs ?? 30_000 })
      : ({ status: 'unreachable', detail: `no worker function for task type '${job.type}'` } as const);
    const command = answerToJobCommand(job, answer, this.retryPolicy);
    if (command.kind === 'fail') this.options.logger.warn('job failed', { jobKey: job.key, taskType: job.type, retries: command.retries, reason: command.errorMessage });
    if (this.stopped) return;
    await this.locked(async () => {
      if (this.runners.get(runner.key) !== runner) return;
      await this.keys.reserve();
      runner.applyJobCommand(executionId, job.key, command);
      await this.settle(runner, []);
    });
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.locked(async () => {
      const now = this.clock.now();
      for (const runner of [...this.runners.values()]) {
        await this.keys.reserve();
        const fired = runner.fireDueTimers(now);
        const retried = runner.dueRetries(now).length;
        if (fired + retried > 0 && this.runners.has(runner.key)) await this.settle(runner, []);
      }
    }).catch((error: unknown) => this.options.logger.error('engine tick failed', { error }));
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lockChain.then(work, work);
    this.lockChain = run.catch(() => undefined);
    return run;
  }
}
