import type { ModelFile } from '../../bpmn/models';
import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { dispatchJob } from '../../shared/workflow/dispatch';
import { answerToJobCommand, defaultRetryPolicy, type Job, type JobCommand, type RetryPolicy } from '../../shared/workflow/job';
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

export interface PublishRequest {
  name: string;
  correlationKey: string;
  variables: Record<string, unknown>;
  timeToLiveMs: number;
  messageId?: string;
}

/** A batch of publishes being applied: what was read for them, and what they did so far. */
interface PublishBatch {
  now: Date;
  lookups: store.PublishLookup[];
  runners: Map<string, InstanceRunner>;
  steps: Map<string, { runner: InstanceRunner; correlated: string[]; extras: { messages: store.StoredMessage[] } }>;
  /** `<process>\u0000<correlation key>` of the instances started by this batch. */
  started: Set<string>;
  /** `<name>\u0000<message id>` of the messages with an id published by this batch. */
  ids: Set<string>;
  buffered: { message: store.StoredMessage; publish: PendingPublish }[];
  answered: { publish: PendingPublish; messageKey: string }[];
}

interface PendingPublish {
  request: PublishRequest;
  resolve(answer: { messageKey: string }): void;
  reject(error: unknown): void;
}

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
  /** How many instances stay loaded between steps (least recently used first out); the rest wait in Postgres only. */
  cacheSize?: number;
  /** How many jobs may wait for their worker's answer at once; the others queue (Zeebe's maxJobsActive). */
  maxJobsInFlight?: number;
}

interface Deployed {
  definitionKey: string;
  version: number;
  model: ProcessModel;
}

/**
 * The local stand-in for Zeebe (DESIGN §4): runs the same `.bpmn` files with its own token
 * interpreter (./runner.ts), dispatches service tasks to the worker functions through the bridge
 * contract (shared/workflow: the job as a CloudEvent, the answer mapped to complete / BPMN error /
 * fail), and keeps every instance in Postgres after each step, so a restart resumes it, timers
 * included.
 *
 * Memory does not grow with the number of active instances: an instance is loaded from Postgres
 * when something concerns it — a job's answer, a message (found through its subscriptions), a
 * user task, a due timer or retry (found by its wake-up time) — and only the most recently used
 * stay loaded (`cacheSize`). Jobs sent and not answered are found again at start and re-sent.
 *
 * One step at a time: every change runs under one lock, then is persisted before any job it
 * created is sent.
 */
export class EmbeddedEngine {
  readonly clock: EngineClock;
  private readonly keys: KeySource;
  /** Loaded instances, least recently used first (a Map keeps insertion order). */
  private readonly cache = new Map<string, InstanceRunner>();
  private readonly latest = new Map<string, Deployed>();
  private readonly byDefinitionKey = new Map<string, Deployed>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Keys of jobs sent (or queued to be sent) and not answered yet. */
  private readonly sending = new Set<string>();
  private readonly waitingForSlot: (() => void)[] = [];
  /** Publishes waiting to be applied (in one batch when several came while the engine was busy). */
  private readonly publishes: PendingPublish[] = [];
  /** Workers' answers waiting to be applied (in one batch when several came while the engine was busy). */
  private readonly answers: { instanceKey: string; elementInstanceKey: string; jobKey: string; command: JobCommand }[] = [];
  private jobsInFlight = 0;
  private lockChain: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | undefined;
  private readonly unsubscribeClock: () => void;
  private stopped = false;
  private ticking = false;
  /** The clock moved while a tick ran: another one runs right after. */
  private tickAgain = false;
  private readonly retryPolicy: RetryPolicy;

  private constructor(private readonly options: EmbeddedEngineOptions) {
    this.clock = options.clock ?? new EngineClock();
    this.keys = new KeySource(options.db);
    this.retryPolicy = options.retryPolicy ?? defaultRetryPolicy;
    this.unsubscribeClock = this.clock.onChange(() => void this.tick());
  }

  /** Starts on a database migrated with migrateEngine (./migrate.ts). */
  static async start(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
    const engine = new EmbeddedEngine(options);
    await engine.deploy(options.models);
    engine.track(engine.recover());
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
            row = {
              process_definition_key: this.keys.next(),
              bpmn_process_id: model.bpmnProcessId,
              version: (row?.version ?? 0) + 1,
              checksum: model.checksum,
              xml: model.xml,
            };
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

  async createInstance(
    bpmnProcessId: string,
    variables: Record<string, unknown>,
  ): Promise<{ processInstanceKey: string; processDefinitionKey: string; version: number }> {
    return this.locked(async () => {
      const deployed = this.latest.get(bpmnProcessId);
      if (!deployed) throw new EngineNotFound(`no process definition with id '${bpmnProcessId}' is deployed`);
      if (deployed.model.messageStart) throw new EngineInvalid(`process '${bpmnProcessId}' starts by message '${deployed.model.messageStart}': publish it`);
      await this.keys.reserve();
      const runner = this.newInstance(deployed, variables, undefined, false);
      await this.settle(runner, []);
      return { processInstanceKey: runner.key, processDefinitionKey: deployed.definitionKey, version: deployed.version };
    });
  }

  /**
   * Zeebe's publish: the message starts a process whose message start event has its name (one
   * active instance per correlation key), correlates to waiting subscriptions, or waits in the
   * buffer for its time to live. A message id already buffered is refused (409 in the REST API).
   * Publishes that arrive while the engine is busy are applied together (see applyPublishes).
   */
  publishMessage(m: PublishRequest): Promise<{ messageKey: string }> {
    return new Promise((resolve, reject) => {
      this.publishes.push({ request: m, resolve, reject });
      this.track(this.applyPublishes());
    });
  }

  /**
   * Applies the publishes waiting, in arrival order, as one batch: what each must know is read in
   * one query, the instances they concern in one more, and every step and buffered message is
   * saved in one statement each — as if they had been applied one by one.
   */
  private applyPublishes(): Promise<void> {
    return this.locked(async () => {
      while (this.publishes.length > 0 && !this.stopped) {
        const batch = this.publishes.splice(0, 200);
        try {
          await this.publishBatch(batch);
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    });
  }

  private async publishBatch(batch: PendingPublish[]): Promise<void> {
    const now = new Date(this.clock.now());
    const startsOf = (name: string) => [...this.latest.values()].filter((d) => d.model.messageStart === name);
    const lookups = await store.publishLookups(
      this.options.db,
      batch.map(({ request: m }) => ({
        name: m.name,
        correlationKey: m.correlationKey,
        messageId: m.messageId,
        startsProcesses: startsOf(m.name).map((d) => d.model.bpmnProcessId),
      })),
    );
    const runners = await this.loadMany(lookups.flatMap((l) => l.subscribedInstances));
    await this.keys.reserve(Math.max(50, 20 * batch.length));
    const state: PublishBatch = { now, lookups, runners, steps: new Map(), started: new Set(), ids: new Set(), buffered: [], answered: [] };
    const { steps, buffered, answered } = state;
    try {
      this.applyInOrder(batch, state);
    } catch (error) {
      // A defect, not a refusal: what the batch changed in memory is dropped, nothing was saved.
      for (const { runner } of steps.values()) this.cache.delete(runner.key);
      throw error;
    }
    // Buffered first: a subscription opened by this batch's steps finds them when its step is saved.
    await store.bufferMessages(
      this.options.db,
      buffered.map((b) => b.message),
    );
    for (const { message, publish } of buffered) publish.resolve({ messageKey: message.key });
    try {
      await this.settleAll([...steps.values()]);
    } catch (error) {
      for (const { publish } of answered) publish.reject(error);
      return;
    }
    for (const { publish, messageKey } of answered) publish.resolve({ messageKey });
  }

  /** Each publish of the batch in turn, seeing what the earlier ones did (instances started, messages taken). */
  private applyInOrder(batch: PendingPublish[], { now, lookups, runners, steps, started, ids, buffered, answered }: PublishBatch): void {
    const startsOf = (name: string) => [...this.latest.values()].filter((d) => d.model.messageStart === name);
    batch.forEach((publish, i) => {
      const m = publish.request;
      const seen = lookups[i]!;
      const idKey = m.messageId !== undefined ? `${m.name}\u0000${m.messageId}` : undefined;
      if ((seen.messageIdExpiresAt && seen.messageIdExpiresAt > now) || (idKey && ids.has(idKey))) {
        publish.reject(new EngineConflict(`a message with name '${m.name}' and id '${m.messageId}' is already published`, 'ALREADY_EXISTS'));
        return;
      }
      if (idKey) ids.add(idKey);
      // The message is stored with the instance it starts or advances, in the same statement: a
      // failed step leaves no message behind that a retry with the same id would collide with.
      const message: store.StoredMessage = {
        key: this.keys.next(),
        name: m.name,
        correlationKey: m.correlationKey,
        ...(m.messageId ? { messageId: m.messageId } : {}),
        variables: m.variables,
        publishedAt: now,
        expiresAt: new Date(now.getTime() + m.timeToLiveMs),
      };
      const step = (runner: InstanceRunner) => {
        const entry = steps.get(runner.key) ?? { runner, correlated: [], extras: { messages: [] } };
        steps.set(runner.key, entry);
        entry.correlated.push(message.key);
        entry.extras.messages.push(message);
        answered.push({ publish, messageKey: message.key });
      };
      const start = startsOf(m.name).find(
        (d) => !seen.activeProcesses.includes(d.model.bpmnProcessId) && !started.has(`${d.model.bpmnProcessId}\u0000${m.correlationKey}`),
      );
      if (start) {
        let runner: InstanceRunner;
        try {
          runner = this.newInstance(start, m.variables, m.correlationKey, true);
        } catch (error) {
          publish.reject(error);
          return;
        }
        started.add(`${start.model.bpmnProcessId}\u0000${m.correlationKey}`);
        return step(runner);
      }
      // Subscribed before this batch (oldest first), then instances this batch changed.
      const candidates = [...seen.subscribedInstances.flatMap((key) => runners.get(key) ?? []), ...[...steps.values()].map((s) => s.runner)];
      for (const runner of new Set(candidates)) {
        if (this.run(runner, () => runner.correlate(m.name, m.correlationKey, m.variables))) return step(runner);
      }
      buffered.push({ message, publish });
    });
  }

  async assignUserTask(userTaskKey: string, assignee: string | null, allowOverride: boolean): Promise<void> {
    return this.locked(async () => {
      const { rows } = await this.options.db.query<{ assignee: string | null }>(
        `SELECT assignee FROM engine.user_tasks WHERE user_task_key = $1 AND state = 'CREATED'`,
        [userTaskKey],
      );
      const task = rows[0];
      if (!task) throw new EngineNotFound(`no active user task with key '${userTaskKey}'`);
      if (assignee !== null && !allowOverride && task.assignee && task.assignee !== assignee) {
        throw new EngineConflict(`user task '${userTaskKey}' is already assigned to '${task.assignee}'`, 'INVALID_STATE');
      }
      await this.options.db.query('UPDATE engine.user_tasks SET assignee = $2 WHERE user_task_key = $1', [userTaskKey, assignee]);
    });
  }

  async completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<void> {
    return this.locked(async () => {
      const { rows } = await this.options.db.query<{ process_instance_key: string; element_instance_key: string }>(
        `SELECT process_instance_key::text, element_instance_key FROM engine.user_tasks WHERE user_task_key = $1 AND state = 'CREATED'`,
        [userTaskKey],
      );
      const task = rows[0];
      const runner = task && (await this.load(task.process_instance_key));
      if (!task || !runner) throw new EngineNotFound(`no active user task with key '${userTaskKey}'`);
      await this.keys.reserve();
      if (!this.run(runner, () => runner.completeUserTask(task.element_instance_key, variables))) {
        throw new EngineConflict(`user task '${userTaskKey}' is not waiting`, 'INVALID_STATE');
      }
      await this.settle(runner, [], { completedUserTask: { key: userTaskKey, variables } });
    });
  }

  /** Camunda's PATCH /jobs/{key}: an operator gives a job new retries before resolving its incident. */
  async updateJobRetries(jobKey: string, retries: number): Promise<void> {
    return this.locked(async () => {
      const key = await store.instanceOfJob(this.options.db, jobKey);
      const runner = key && (await this.load(key));
      if (!runner || !runner.setJobRetries(jobKey, retries)) throw new EngineNotFound(`no job with key '${jobKey}'`);
      await this.settle(runner, []);
    });
  }

  async resolveIncident(incidentKey: string): Promise<void> {
    return this.locked(async () => {
      const { rows } = await this.options.db.query<{ process_instance_key: string; job_key: string | null }>(
        `SELECT process_instance_key::text, job_key FROM engine.incidents WHERE incident_key = $1 AND state = 'ACTIVE'`,
        [incidentKey],
      );
      const incident = rows[0];
      const runner = incident && (await this.load(incident.process_instance_key));
      if (!incident || !runner || !incident.job_key || !runner.resolveJobIncident(incident.job_key)) {
        throw new EngineNotFound(`no active incident with key '${incidentKey}' that can be resolved`);
      }
      await this.settle(runner, [], { resolvedIncident: incidentKey });
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
    for (const release of this.waitingForSlot.splice(0)) release();
    for (const p of this.publishes.splice(0)) p.reject(new Error('the workflow engine is stopping'));
    await this.locked(() => Promise.resolve());
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
    this.cache.clear();
  }

  /** How many instances are loaded now (never more than `cacheSize` between steps). */
  loadedInstances(): number {
    return this.cache.size;
  }

  /** Jobs that were sent and not answered when the engine last stopped go out again, page by page. */
  private async recover(): Promise<void> {
    let after = '0';
    let resent = 0;
    for (;;) {
      const page = await store.instancesAwaitingJobs(this.options.db, after, 100);
      if (page.length === 0 || this.stopped) break;
      after = page[page.length - 1]!;
      await this.locked(async () => {
        const runners = await this.loadMany(page);
        for (const runner of runners.values()) {
          for (const elementInstanceKey of runner.awaitedJobs()) runner.toDispatch.add(elementInstanceKey);
          resent += runner.toDispatch.size;
        }
        await this.dispatchAll([...runners.values()]);
      });
      // Send what is queued before loading more, so memory stays bounded however many there are.
      while (this.waitingForSlot.length > this.maxJobsInFlight && !this.stopped) await new Promise((r) => setTimeout(r, 20));
    }
    if (resent > 0) this.options.logger.info('jobs sent again after a restart', { count: resent });
  }

  private get maxJobsInFlight(): number {
    return this.options.maxJobsInFlight ?? 64;
  }

  /** The active instance with this key, from the cache or Postgres; undefined when it is not active. */
  private async load(key: string): Promise<InstanceRunner | undefined> {
    return (await this.loadMany([key])).get(key);
  }

  /** Active instances by key, from the cache or else Postgres (one query for all those not loaded). */
  private async loadMany(keys: string[]): Promise<Map<string, InstanceRunner>> {
    const found = new Map<string, InstanceRunner>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const cached = this.cache.get(key);
      if (cached) found.set(key, cached);
      else missing.push(key);
    }
    for (const row of missing.length > 0 ? await store.activeInstances(this.options.db, missing) : []) {
      const deployed = await this.deployedByKey(row.process_definition_key);
      const runner = new InstanceRunner(
        row.process_instance_key,
        deployed.definitionKey,
        deployed.model,
        row.correlation_key ?? undefined,
        this.keys,
        () => this.clock.now(),
        {
          variables: row.variables,
          timers: row.timers,
          jobs: row.jobs,
          engineState: row.engine_state,
        },
      );
      found.set(runner.key, runner);
    }
    for (const runner of found.values()) this.remember(runner);
    return found;
  }

  /** Marks the instance most recently used; the least recently used beyond `cacheSize` are forgotten. */
  private remember(runner: InstanceRunner): void {
    this.cache.delete(runner.key);
    this.cache.set(runner.key, runner);
    const limit = this.options.cacheSize ?? 1000;
    for (const key of this.cache.keys()) {
      if (this.cache.size <= limit) break;
      this.cache.delete(key);
    }
  }

  /**
   * Runs one synchronous change of an instance. A change that throws (a defect, not an incident)
   * leaves the loaded copy half-changed: it is dropped, and the instance is read again next time.
   */
  private run<T>(runner: InstanceRunner, change: () => T): T {
    try {
      return change();
    } catch (error) {
      this.cache.delete(runner.key);
      throw error;
    }
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

  /** A new instance of a deployed process, run to its first waits (not saved yet); keys must be reserved. */
  private newInstance(deployed: Deployed, variables: Record<string, unknown>, correlationKey: string | undefined, byMessage: boolean): InstanceRunner {
    const runner = new InstanceRunner(this.keys.next(), deployed.definitionKey, deployed.model, correlationKey, this.keys, () => this.clock.now());
    Object.assign(runner.variables, variables);
    runner.start(byMessage);
    return runner;
  }

  /** Ends one instance's step (see settleAll). */
  private settle(runner: InstanceRunner, correlated: string[], extras?: store.StepExtras): Promise<void> {
    return this.settleAll([{ runner, correlated, ...(extras ? { extras } : {}) }]);
  }

  /**
   * Ends steps of one or more instances: lets new subscriptions take buffered messages, persists
   * each instance with what its step produced and what caused it (`extras`) — all in one
   * statement — then sends the jobs they created. Steps that cannot be saved are forgotten: the
   * instances are read again from what was saved before.
   */
  private async settleAll(items: { runner: InstanceRunner; correlated: string[]; extras?: store.StepExtras }[]): Promise<void> {
    const now = new Date(this.clock.now());
    const steps: store.Step[] = [];
    try {
      for (const { runner, correlated, extras } of items) {
        for (;;) {
          const subscription = runner.pending.newSubscriptions.shift();
          if (!subscription) break;
          if (!runner.subscriptions.has(subscription.executionId)) continue;
          const message = await store.bufferedMessage(this.options.db, subscription.messageName, subscription.correlationKey, now, correlated);
          if (!message) continue;
          await this.keys.reserve();
          if (this.run(runner, () => runner.correlate(message.name, message.correlation_key, message.variables))) correlated.push(message.message_key);
        }
        steps.push({
          save: {
            key: runner.key,
            definitionKey: runner.definitionKey,
            bpmnProcessId: runner.model.bpmnProcessId,
            correlationKey: runner.correlationKey,
            state: runner.ended ? 'COMPLETED' : 'ACTIVE',
            variables: runner.variables,
            timers: runner.timers,
            jobs: runner.jobs,
            engineState: runner.engineState(),
            wakeAt: runner.wakeAt(),
            awaitingJobs: runner.awaitedJobs().length > 0,
            subscriptions: runner.subscriptionsChanged ? [...runner.subscriptions.values()] : undefined,
            at: now,
          },
          pending: runner.takePending(),
          correlated,
          ...(extras ? { extras } : {}),
        });
      }
      await store.saveSteps(this.options.db, steps);
    } catch (error) {
      for (const { runner } of items) this.cache.delete(runner.key);
      throw error;
    }
    const live: InstanceRunner[] = [];
    for (const { runner } of items) {
      runner.subscriptionsChanged = false;
      if (runner.ended) {
        this.cache.delete(runner.key);
      } else {
        this.remember(runner);
        live.push(runner);
      }
    }
    await this.dispatchAll(live);
  }

  /** Sends the jobs the last steps created (or made due again), each once until its answer is back. */
  private async dispatchAll(runners: InstanceRunner[]): Promise<void> {
    const failedMappings: InstanceRunner[] = [];
    for (const runner of runners) {
      for (const elementInstanceKey of [...runner.toDispatch]) {
        runner.toDispatch.delete(elementInstanceKey);
        const state = runner.jobs[elementInstanceKey];
        if (!state || state.incidentKey || state.retryAt !== undefined || this.sending.has(state.key)) continue;
        const def = runner.model.serviceTasks.get(state.elementId);
        if (!def) continue;
        let variables: Record<string, unknown>;
        try {
          variables = runner.jobVariables(elementInstanceKey);
        } catch (error) {
          runner.raiseInputMappingIncident(elementInstanceKey, `input mapping failed: ${(error as Error).message}`);
          if (!failedMappings.includes(runner)) failedMappings.push(runner);
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
        this.sending.add(job.key);
        this.track(this.send(runner.key, elementInstanceKey, job));
      }
    }
    if (failedMappings.length > 0) await this.settleAll(failedMappings.map((runner) => ({ runner, correlated: [] })));
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.options.logger.error('engine work failed', { error })).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async send(instanceKey: string, elementInstanceKey: string, job: Job): Promise<void> {
    let command: JobCommand;
    await this.slot();
    try {
      if (this.stopped) return;
      const url = this.options.workerUrl(job.type);
      const answer = url
        ? await dispatchJob(job, { url, source: '/mesh/engine', timeoutMs: this.options.dispatchTimeoutMs ?? 30_000 })
        : ({ status: 'unreachable', detail: `no worker function for task type '${job.type}'` } as const);
      command = answerToJobCommand(job, answer, this.retryPolicy);
    } finally {
      this.releaseSlot();
    }
    if (command.kind === 'fail')
      this.options.logger.warn('job failed', { jobKey: job.key, taskType: job.type, retries: command.retries, reason: command.errorMessage });
    if (this.stopped) return;
    this.answers.push({ instanceKey, elementInstanceKey, jobKey: job.key, command });
    await this.applyAnswers();
  }

  /**
   * Applies the workers' answers that arrived while the engine was busy, all in one batch: the
   * instances not loaded are read in one query, and the steps saved in one statement.
   */
  private applyAnswers(): Promise<void> {
    return this.locked(async () => {
      while (this.answers.length > 0 && !this.stopped) {
        const batch = this.answers.splice(0, 200);
        for (const answer of batch) this.sending.delete(answer.jobKey);
        const runners = await this.loadMany(batch.map((a) => a.instanceKey));
        await this.keys.reserve(Math.max(50, 10 * batch.length));
        const changed = new Map<string, InstanceRunner>();
        for (const answer of batch) {
          const runner = runners.get(answer.instanceKey);
          if (!runner) continue;
          try {
            this.run(runner, () => runner.applyJobCommand(answer.elementInstanceKey, answer.jobKey, answer.command));
            changed.set(runner.key, runner);
          } catch (error) {
            runners.delete(runner.key);
            changed.delete(runner.key);
            this.options.logger.error('job answer could not be applied', { processInstanceKey: runner.key, jobKey: answer.jobKey, error });
          }
        }
        await this.settleAll([...changed.values()].map((runner) => ({ runner, correlated: [] })));
      }
    });
  }

  private async slot(): Promise<void> {
    if (this.jobsInFlight < this.maxJobsInFlight || this.stopped) {
      this.jobsInFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waitingForSlot.push(resolve));
    this.jobsInFlight++;
  }

  private releaseSlot(): void {
    this.jobsInFlight--;
    this.waitingForSlot.shift()?.();
  }

  /** Instances with a timer or a job retry due run their step, a page at a time (each page saved in one statement). */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    this.tickAgain = false;
    try {
      for (let page = 0; page < 50 && !this.stopped; page++) {
        const more = await this.locked(async () => {
          const now = this.clock.now();
          const due = await store.dueInstances(this.options.db, new Date(now), 100);
          const runners = await this.loadMany(due);
          await this.keys.reserve(Math.max(50, 10 * runners.size));
          const changed: InstanceRunner[] = [];
          for (const runner of runners.values()) {
            try {
              this.run(runner, () => {
                runner.fireDueTimers(now);
                runner.dueRetries(now);
              });
              changed.push(runner);
            } catch (error) {
              this.options.logger.error('timer could not be fired', { processInstanceKey: runner.key, error });
            }
          }
          await this.settleAll(changed.map((runner) => ({ runner, correlated: [] })));
          return due.length === 100;
        });
        if (!more) break;
      }
    } catch (error) {
      this.options.logger.error('engine tick failed', { error });
    } finally {
      this.ticking = false;
    }
    if (this.tickAgain) await this.tick();
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lockChain.then(work, work);
    this.lockChain = run.catch(() => undefined);
    return run;
  }
}
