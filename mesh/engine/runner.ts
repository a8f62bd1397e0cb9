import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { JobCommand } from '../../shared/workflow/job';
import { evaluateProperty, FeelError, isExpression } from './feel';
import type { KeySource } from './keys';
import { catchesError, type ProcessModel } from './model';

/** A job the instance waits on: the service task's execution, keyed like Zeebe's job key. */
export interface JobState {
  key: string;
  elementId: string;
  retries: number;
  /** Epoch ms before which a failed job is not sent again (its backoff). */
  retryAt?: number;
  /** Set when the job ran out of retries or threw an uncaught BPMN error: it waits for an operator. */
  incidentKey?: string;
}

export interface NewUserTask {
  userTaskKey: string;
  elementId: string;
  elementInstanceKey: string;
  name: string;
  candidateGroups: string[];
  assignee?: string;
  priority: number;
  dueDate?: string;
  formKey?: string;
}

export interface NewIncident {
  incidentKey: string;
  elementId: string;
  elementInstanceKey: string;
  jobKey?: string;
  errorType: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'IO_MAPPING_ERROR' | 'EXTRACT_VALUE_ERROR' | 'CONDITION_ERROR' | 'UNKNOWN';
  errorMessage: string;
}

export interface Subscription {
  executionId: string;
  elementId: string;
  messageName: string;
  correlationKey: string;
}

/** What a step changed besides the BPMN state; the engine writes it with the state, in one transaction. */
export interface PendingWrites {
  userTasks: NewUserTask[];
  leftUserTasks: string[];
  incidents: NewIncident[];
  newSubscriptions: Subscription[];
}

export interface PersistedInstance {
  variables: Record<string, unknown>;
  timers: Record<string, number>;
  jobs: Record<string, JobState>;
  engineState: unknown;
}

type Callback = (error: unknown, output?: unknown) => void;
interface ActiveTimer {
  ref: { timerId: string };
  dueAt: number;
  fire: () => void;
}

interface WaitingApi {
  id: string;
  executionId: string;
  type: string;
  signal(message?: unknown): void;
}

/**
 * One process instance on bpmn-engine, with Zeebe's semantics added where bpmn-engine has its
 * own: service tasks become jobs, FEEL is evaluated against the instance's variables, message
 * catches subscribe by correlation key, user tasks get keys and candidate groups, timers run
 * on the engine's clock and their due times are kept so a restart resumes them.
 * Everything here is synchronous; the engine (./engine.ts) persists after each step.
 */
export class InstanceRunner {
  readonly variables: Record<string, unknown>;
  readonly timers: Record<string, number>;
  readonly jobs: Record<string, JobState>;
  readonly subscriptions = new Map<string, Subscription>();
  readonly userTaskKeys = new Map<string, string>();
  readonly completedUserTasks = new Set<string>();
  private readonly callbacks = new Map<string, Callback>();
  private readonly activeTimers = new Map<string, ActiveTimer>();
  private readonly engine: InstanceType<typeof Engine>;
  private execution: { getPostponed(): WaitingApi[]; getState(): unknown; stop(): Promise<void> | void } | undefined;
  pending: PendingWrites = { userTasks: [], leftUserTasks: [], incidents: [], newSubscriptions: [] };
  /** Jobs to send to their workers once the step is persisted. */
  readonly toDispatch = new Set<string>();
  ended = false;
  failure: string | undefined;

  constructor(
    readonly key: string,
    readonly definitionKey: string,
    readonly model: ProcessModel,
    /** The key a message start event started it with (one active instance per key). */
    readonly correlationKey: string | undefined,
    private readonly keys: KeySource,
    private readonly now: () => number,
    persisted?: PersistedInstance,
  ) {
    this.variables = persisted?.variables ?? {};
    this.timers = persisted?.timers ?? {};
    this.jobs = persisted?.jobs ?? {};
    this.engine = this.makeEngine();
    if (persisted?.engineState) this.engine.recover(persisted.engineState);
  }

  /** Starts a new instance; a message start event is completed with the start message. */
  async start(startMessage: boolean): Promise<void> {
    this.execution = (await this.engine.execute({ listener: this.listener() }));
    if (startMessage) {
      const start = this.waiting().find((w) => w.type === 'bpmn:MessageEventDefinition' || w.type === 'bpmn:StartEvent');
      if (!start) throw new Error(`process ${this.model.bpmnProcessId} has no message start event waiting`);
      start.signal({});
    }
  }

  /** Resumes a recovered instance: waits re-subscribe, running jobs are sent again, timers re-arm. */
  async resume(): Promise<void> {
    this.execution = (await this.engine.resume({ listener: this.listener() }));
  }

  /**
   * The serialisable state, without the model: bpmn-engine puts the whole mapped definition in
   * each state (`definitions[].source`), the same for every instance of a version. The runner is
   * built from the version's model, and recover() takes it from there.
   */
  engineState(): unknown {
    const state = this.execution?.getState() as { definitions?: { source?: unknown }[] } | undefined;
    if (!state) return state;
    return { ...state, definitions: (state.definitions ?? []).map(({ source: _model, ...definition }) => definition) };
  }

  stop(): void {
    for (const t of this.activeTimers.values()) t.ref.timerId = '';
    this.activeTimers.clear();
    void this.execution?.stop();
  }

  waiting(): WaitingApi[] {
    return this.execution?.getPostponed() ?? [];
  }

  /** Correlates a message to one of this instance's subscriptions; false when none matches. */
  correlate(messageName: string, correlationKey: string, variables: Record<string, unknown>): boolean {
    const subscription = [...this.subscriptions.values()].find((s) => s.messageName === messageName && s.correlationKey === correlationKey);
    if (!subscription) return false;
    const api = this.waiting().find((w) => w.executionId === subscription.executionId);
    if (!api) return false;
    this.subscriptions.delete(subscription.executionId);
    Object.assign(this.variables, variables);
    api.signal({ messageName });
    return true;
  }

  completeUserTask(elementInstanceKey: string, variables: Record<string, unknown>): boolean {
    const api = this.waiting().find((w) => w.executionId === elementInstanceKey);
    if (!api) return false;
    this.completedUserTasks.add(elementInstanceKey);
    Object.assign(this.variables, variables);
    api.signal({});
    return true;
  }

  /** Timers whose due time has come fire now (in due order). */
  fireDueTimers(now: number): number {
    const due = [...this.activeTimers.entries()].filter(([, t]) => t.dueAt <= now).sort((a, b) => a[1].dueAt - b[1].dueAt);
    for (const [id, timer] of due) {
      if (!this.activeTimers.has(id)) continue;
      this.activeTimers.delete(id);
      delete this.timers[id];
      timer.fire();
    }
    return due.length;
  }

  /** The job's variables as Zeebe builds them: the instance's, then the task's input mappings. */
  jobVariables(executionId: string): Record<string, unknown> {
    const job = this.jobs[executionId];
    const def = job && this.model.serviceTasks.get(job.elementId);
    if (!def) return { ...this.variables };
    const local: Record<string, unknown> = { ...this.variables };
    for (const input of def.inputs) local[input.target] = evaluateProperty(input.source, local);
    return local;
  }

  /** Applies the worker's answer to a job; ignored when the job is no longer the current one. */
  applyJobCommand(executionId: string, jobKey: string, command: JobCommand): void {
    const job = this.jobs[executionId];
    if (!job || job.key !== jobKey || job.incidentKey) return;
    switch (command.kind) {
      case 'complete': {
        const def = this.model.serviceTasks.get(job.elementId);
        try {
          if (def && def.outputs.length > 0) {
            const context = { ...this.variables, ...command.variables };
            for (const output of def.outputs) this.variables[output.target] = evaluateProperty(output.source, context);
          } else {
            Object.assign(this.variables, command.variables);
          }
        } catch (error) {
          this.raiseIncident(executionId, job, 'IO_MAPPING_ERROR', (error as Error).message);
          return;
        }
        delete this.jobs[executionId];
        this.callbacks.get(executionId)?.(null, command.variables);
        this.callbacks.delete(executionId);
        return;
      }
      case 'error': {
        if (!catchesError(this.model, job.elementId, command.errorCode)) {
          this.raiseIncident(executionId, job, 'UNHANDLED_ERROR_EVENT', `expected to throw an error event with the code '${command.errorCode}', but it was not caught: ${command.errorMessage}`);
          return;
        }
        Object.assign(this.variables, command.variables);
        delete this.jobs[executionId];
        const error = Object.assign(new Error(command.errorMessage || command.errorCode), { code: command.errorCode });
        this.callbacks.get(executionId)?.(error);
        this.callbacks.delete(executionId);
        return;
      }
      case 'fail': {
        job.retries = command.retries;
        if (command.retries > 0) {
          job.retryAt = this.now() + command.retryBackOffMs;
        } else {
          this.raiseIncident(executionId, job, 'JOB_NO_RETRIES', command.errorMessage);
        }
        return;
      }
    }
  }

  /** An operator resolved the job's incident: it is sent again with the retries it has (at least 1). */
  resolveJobIncident(jobKey: string): boolean {
    const entry = Object.entries(this.jobs).find(([, j]) => j.key === jobKey);
    if (!entry) return false;
    const [executionId, job] = entry;
    delete job.incidentKey;
    delete job.retryAt;
    if (job.retries < 1) job.retries = 1;
    this.toDispatch.add(executionId);
    return true;
  }

  setJobRetries(jobKey: string, retries: number): boolean {
    const job = Object.values(this.jobs).find((j) => j.key === jobKey);
    if (!job) return false;
    job.retries = retries;
    return true;
  }

  /** Jobs whose backoff has passed go out again. */
  dueRetries(now: number): string[] {
    const due: string[] = [];
    for (const [executionId, job] of Object.entries(this.jobs)) {
      if (job.retryAt !== undefined && job.retryAt <= now && !job.incidentKey) {
        delete job.retryAt;
        due.push(executionId);
        this.toDispatch.add(executionId);
      }
    }
    return due;
  }

  takePending(): PendingWrites {
    const pending = this.pending;
    this.pending = { userTasks: [], leftUserTasks: [], incidents: [], newSubscriptions: [] };
    return pending;
  }

  private raiseIncident(executionId: string, job: JobState, errorType: NewIncident['errorType'], errorMessage: string) {
    job.incidentKey = this.keys.next();
    delete job.retryAt;
    this.pending.incidents.push({ incidentKey: job.incidentKey, elementId: job.elementId, elementInstanceKey: executionId, jobKey: job.key, errorType, errorMessage });
  }

  private onServiceTask(elementId: string, executionId: string, callback: Callback) {
    const def = this.model.serviceTasks.get(elementId);
    if (!def) return callback(new Error(`service task ${elementId} has no task definition`));
    let job = this.jobs[executionId];
    if (!job) {
      const retries = Number(evaluateProperty(def.retries, this.variables));
      job = { key: this.keys.next(), elementId, retries: Number.isInteger(retries) && retries > 0 ? retries : 3 };
      this.jobs[executionId] = job;
    }
    this.callbacks.set(executionId, callback);
    if (!job.incidentKey && job.retryAt === undefined) this.toDispatch.add(executionId);
  }

  private dropJob(executionId: string) {
    delete this.jobs[executionId];
    this.callbacks.delete(executionId);
    this.toDispatch.delete(executionId);
  }

  private onWait(api: WaitingApi) {
    const catchDef = this.model.messageCatches.get(api.id);
    if (catchDef && !this.subscriptions.has(api.executionId)) {
      const correlationKey = String(evaluateProperty(catchDef.correlationKey, this.variables));
      const subscription = { executionId: api.executionId, elementId: api.id, messageName: catchDef.messageName, correlationKey };
      this.subscriptions.set(api.executionId, subscription);
      this.pending.newSubscriptions.push(subscription);
      return;
    }
    const userTask = this.model.userTasks.get(api.id);
    if (userTask && api.type === 'bpmn:UserTask' && !this.userTaskKeys.has(api.executionId)) {
      const key = this.keys.next();
      this.userTaskKeys.set(api.executionId, key);
      const groups = userTask.candidateGroups ? evaluateProperty(userTask.candidateGroups, this.variables) : [];
      const assignee = userTask.assignee ? evaluateProperty(userTask.assignee, this.variables) : undefined;
      const priority = userTask.priority ? Number(evaluateProperty(userTask.priority, this.variables)) : 50;
      const dueDate = userTask.dueDate ? evaluateProperty(userTask.dueDate, this.variables) : undefined;
      this.pending.userTasks.push({
        userTaskKey: key,
        elementId: api.id,
        elementInstanceKey: api.executionId,
        name: userTask.name,
        candidateGroups: Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? groups.split(',').map((g) => g.trim()) : [],
        ...(typeof assignee === 'string' && assignee ? { assignee } : {}),
        priority: Number.isFinite(priority) ? priority : 50,
        ...(typeof dueDate === 'string' ? { dueDate } : {}),
        ...(userTask.formKey ? { formKey: userTask.formKey } : {}),
      });
    }
  }

  private onLeave(api: WaitingApi) {
    this.subscriptions.delete(api.executionId);
    if (this.userTaskKeys.has(api.executionId)) {
      if (!this.completedUserTasks.has(api.executionId)) this.pending.leftUserTasks.push(api.executionId);
      this.userTaskKeys.delete(api.executionId);
      this.completedUserTasks.delete(api.executionId);
    }
    if (this.jobs[api.executionId]) this.dropJob(api.executionId);
  }

  private listener(): EventEmitter {
    const listener = new EventEmitter();
    listener.on('activity.wait', (api: WaitingApi) => this.onWait(api));
    listener.on('activity.leave', (api: WaitingApi) => this.onLeave(api));
    return listener;
  }

  private makeEngine(): InstanceType<typeof Engine> {
    const variables = this.variables;
    const onServiceTask = (elementId: string, executionId: string, callback: Callback) => this.onServiceTask(elementId, executionId, callback);
    const dropJob = (executionId: string) => this.dropJob(executionId);
    const forget = (executionId: string) => this.callbacks.delete(executionId);
    const engine = new Engine({
      name: `${this.model.bpmnProcessId}:${this.key}`,
      sourceContext: this.model.sourceContext,
      settings: { enableDummyService: false },
      expressions: {
        resolveExpression(expression: unknown) {
          if (!isExpression(expression)) return expression;
          return evaluateProperty(expression, variables);
        },
        isExpression,
      },
      timers: this.timersApi(),
      extensions: {
        zeebe(activity: { id: string; type: string; behaviour: Record<string, unknown> }) {
          if (activity.type === 'bpmn:ServiceTask') {
            activity.behaviour.Service = function ZeebeJob(_activity: unknown, message: { content: { executionId: string } }) {
              const executionId = message.content.executionId;
              return {
                execute(executeMessage: { content: { executionId: string } }, callback: Callback) {
                  onServiceTask(activity.id, executeMessage.content.executionId, callback);
                },
                discard() {
                  dropJob(executionId);
                },
                stop() {
                  forget(executionId);
                },
              };
            };
          }
          return { activate() {}, deactivate() {} };
        },
      },
    } as never);
    engine.on('end', () => {
      this.ended = true;
    });
    engine.on('error', (error: unknown) => {
      this.failure = error instanceof FeelError ? error.message : (error as Error)?.message ?? String(error);
    });
    return engine;
  }

  /** bpmn-elements' timers API on the engine clock, keyed by the timer's execution id so a restart keeps due times. */
  private timersApi() {
    let anonymous = 0;
    const set = (id: string, callback: (...args: unknown[]) => void, delay: number, args: unknown[]) => {
      const dueAt = this.timers[id] ?? this.now() + delay;
      this.timers[id] = dueAt;
      const ref = { timerId: id };
      this.activeTimers.set(id, { ref, dueAt, fire: () => callback(...args) });
      return ref;
    };
    const clear = (ref: { timerId?: string } | undefined) => {
      if (!ref?.timerId) return;
      this.activeTimers.delete(ref.timerId);
      delete this.timers[ref.timerId];
    };
    const active = this.activeTimers;
    return {
      get executing() {
        return [...active.values()].map((t) => t.ref);
      },
      register(owner: { executionId?: string; id?: string }) {
        return {
          setTimeout: (callback: (...args: unknown[]) => void, delay: number, ...args: unknown[]) =>
            set(owner.executionId ?? `${owner.id ?? 'timer'}-${anonymous++}`, callback, delay, args),
          clearTimeout: clear,
        };
      },
      setTimeout: (callback: (...args: unknown[]) => void, delay: number, ...args: unknown[]) => set(`anonymous-${anonymous++}`, callback, delay, args),
      clearTimeout: clear,
    };
  }
}
