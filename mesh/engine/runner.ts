import { parseIsoDurationMs } from '../../shared/workflow/duration';
import type { JobCommand } from '../../shared/workflow/job';
import { evaluateProperty, FeelError } from './feel';
import type { KeySource } from './keys';
import { type FlowNode, type ProcessModel, type TimerDef } from './model';

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

/** A message the instance waits for; `executionId` is the waiting element instance (or `<instance>/<boundary>`). */
export interface Subscription {
  executionId: string;
  elementId: string;
  messageName: string;
  correlationKey: string;
}

/** What a step changed besides the instance's own state; the engine writes it with the state, in one transaction. */
export interface PendingWrites {
  userTasks: NewUserTask[];
  leftUserTasks: string[];
  incidents: NewIncident[];
  newSubscriptions: Subscription[];
}

/**
 * An element instance where the instance waits (Zeebe's element instance): a job, a user task,
 * a message, a timer, or an incident that stopped the token there.
 */
interface Token {
  key: string;
  elementId: string;
  /** Boundary timers left to fire of a cycle (non-interrupting `R3/PT1H`), by boundary id. */
  cycles?: Record<string, number>;
  /** Set when entering the element failed (a FEEL error): the token waits for an operator. */
  incidentKey?: string;
}

/** The interpreter's own state, next to variables, timers and jobs (all plain JSON). */
interface TokenState {
  format: 'tokens/1';
  tokens: Token[];
  subscriptions: Subscription[];
  /** Arrivals at a joining parallel gateway not yet matched by the other branches. */
  joins: Record<string, number>;
}

export interface PersistedInstance {
  variables: Record<string, unknown>;
  timers: Record<string, number>;
  jobs: Record<string, JobState>;
  engineState: unknown;
}

class ElementFailure extends Error {
  constructor(
    readonly errorType: NewIncident['errorType'],
    message: string,
  ) {
    super(message);
  }
}

const isTokenState = (value: unknown): value is TokenState => (value as TokenState | null)?.format === 'tokens/1';

/**
 * One process instance, interpreted as Zeebe runs it: tokens move through the flow graph of the
 * model (./model.ts) until each waits at a job, a user task, a message or a timer; service tasks
 * become jobs, FEEL is evaluated against the instance's variables, message catches subscribe by
 * correlation key, boundary events (timer, message, error; interrupting or not) are armed while
 * their activity waits, timers run on the engine's clock.
 *
 * The whole state is a few plain JSON records (variables, timers, jobs, tokens), so an instance
 * costs nothing while it waits: the engine (./engine.ts) loads it from Postgres when a job
 * answer, a message, a user task or a due timer concerns it, runs one step, saves it, and may
 * forget it. Everything here is synchronous.
 */
export class InstanceRunner {
  readonly variables: Record<string, unknown>;
  /** Due times (engine-clock epoch ms) by timer id: `<token>/<boundary>` or `<token>` for a catch event. */
  readonly timers: Record<string, number>;
  /** Jobs by the key of the service task's element instance. */
  readonly jobs: Record<string, JobState>;
  readonly subscriptions = new Map<string, Subscription>();
  pending: PendingWrites = { userTasks: [], leftUserTasks: [], incidents: [], newSubscriptions: [] };
  /** Jobs to send to their workers once the step is persisted. */
  readonly toDispatch = new Set<string>();
  /** Whether the subscriptions changed in this step (the engine rewrites the instance's rows then). */
  subscriptionsChanged = false;
  ended = false;
  private readonly tokens = new Map<string, Token>();
  private readonly joins: Record<string, number>;

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
    const state = persisted?.engineState;
    if (persisted && !isTokenState(state)) throw new Error(`instance ${key} was saved in a format this engine does not read`);
    const saved: TokenState | undefined = persisted ? (state as TokenState) : undefined;
    for (const token of saved?.tokens ?? []) this.tokens.set(token.key, token);
    for (const s of saved?.subscriptions ?? []) this.subscriptions.set(s.executionId, s);
    this.joins = saved?.joins ?? {};
  }

  /** Starts a new instance at its none start event, or at its message start event (the message's variables already set). */
  start(byMessage: boolean): void {
    const start = [...this.model.nodes.values()].find((n) => n.kind === 'startEvent' && n.incoming === 0 && 'message' in (n.waitsFor ?? {}) === byMessage);
    if (!start) throw new Error(`process ${this.model.bpmnProcessId} has no ${byMessage ? 'message' : 'none'} start event`);
    this.takeOutgoing(start);
    this.checkEnded();
  }

  /** The serialisable state besides variables, timers and jobs. */
  engineState(): TokenState {
    return { format: 'tokens/1', tokens: [...this.tokens.values()], subscriptions: [...this.subscriptions.values()], joins: this.joins };
  }

  /** Correlates a message to one of this instance's subscriptions; false when none matches. */
  correlate(messageName: string, correlationKey: string, variables: Record<string, unknown>): boolean {
    const subscription = [...this.subscriptions.values()].find((s) => s.messageName === messageName && s.correlationKey === correlationKey);
    if (!subscription) return false;
    const [tokenKey, boundaryId] = subscription.executionId.split('/') as [string, string | undefined];
    const token = this.tokens.get(tokenKey);
    if (!token) return false;
    Object.assign(this.variables, variables);
    if (boundaryId) {
      this.triggerBoundary(token, this.node(boundaryId));
    } else {
      this.unsubscribe(subscription.executionId);
      this.leave(token);
    }
    this.checkEnded();
    return true;
  }

  /** Completes the user task waiting at this element instance; false when none waits there. */
  completeUserTask(elementInstanceKey: string, variables: Record<string, unknown>): boolean {
    const token = this.tokens.get(elementInstanceKey);
    if (!token || token.incidentKey || this.node(token.elementId).kind !== 'userTask') return false;
    Object.assign(this.variables, variables);
    this.leave(token);
    this.checkEnded();
    return true;
  }

  /** Timers whose due time has come fire now (in due order); returns how many fired. */
  fireDueTimers(now: number): number {
    const due = Object.entries(this.timers)
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1]);
    let fired = 0;
    for (const [id] of due) {
      if (!(id in this.timers)) continue; // cancelled by an earlier timer of this step
      delete this.timers[id];
      const [tokenKey, boundaryId] = id.split('/') as [string, string | undefined];
      const token = this.tokens.get(tokenKey);
      if (!token) continue;
      fired++;
      if (boundaryId) this.triggerBoundary(token, this.node(boundaryId));
      else this.leave(token);
    }
    this.checkEnded();
    return fired;
  }

  /** The earliest moment something of this instance is due (a timer, a job's retry), if any. */
  wakeAt(): number | undefined {
    const times = [...Object.values(this.timers), ...Object.values(this.jobs).flatMap((j) => (j.retryAt !== undefined && !j.incidentKey ? [j.retryAt] : []))];
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** Jobs sent to their workers and not answered yet (sent again after a restart). */
  awaitedJobs(): string[] {
    return Object.entries(this.jobs)
      .filter(([, j]) => !j.incidentKey && j.retryAt === undefined)
      .map(([elementInstanceKey]) => elementInstanceKey);
  }

  /** The job's variables as Zeebe builds them: the instance's, then the task's input mappings. */
  jobVariables(elementInstanceKey: string): Record<string, unknown> {
    const job = this.jobs[elementInstanceKey];
    const def = job && this.model.serviceTasks.get(job.elementId);
    if (!def) return { ...this.variables };
    const local: Record<string, unknown> = { ...this.variables };
    for (const input of def.inputs) local[input.target] = evaluateProperty(input.source, local);
    return local;
  }

  /** Applies the worker's answer to a job; ignored when the job is no longer the current one. */
  applyJobCommand(elementInstanceKey: string, jobKey: string, command: JobCommand): void {
    const job = this.jobs[elementInstanceKey];
    const token = this.tokens.get(elementInstanceKey);
    if (!job || !token || job.key !== jobKey || job.incidentKey) return;
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
          this.raiseJobIncident(elementInstanceKey, job, 'IO_MAPPING_ERROR', (error as Error).message);
          return;
        }
        this.leave(token);
        break;
      }
      case 'error': {
        const node = this.node(job.elementId);
        const boundaries = node.boundaries.map((id) => this.node(id)).filter((b) => b.waitsFor && 'error' in b.waitsFor);
        const catcher =
          boundaries.find((b) => (b.waitsFor as { error: string }).error === command.errorCode) ??
          boundaries.find((b) => (b.waitsFor as { error: string }).error === '*');
        if (!catcher) {
          this.raiseJobIncident(
            elementInstanceKey,
            job,
            'UNHANDLED_ERROR_EVENT',
            `expected to throw an error event with the code '${command.errorCode}', but it was not caught: ${command.errorMessage}`,
          );
          return;
        }
        Object.assign(this.variables, command.variables);
        this.triggerBoundary(token, catcher);
        break;
      }
      case 'fail': {
        job.retries = command.retries;
        if (command.retries > 0) {
          job.retryAt = this.now() + command.retryBackOffMs;
        } else {
          this.raiseJobIncident(elementInstanceKey, job, 'JOB_NO_RETRIES', command.errorMessage);
        }
        return;
      }
    }
    this.checkEnded();
  }

  /** An operator resolved the job's incident: it is sent again with the retries it has (at least 1). */
  resolveJobIncident(jobKey: string): boolean {
    const entry = Object.entries(this.jobs).find(([, j]) => j.key === jobKey);
    if (!entry) return false;
    const [elementInstanceKey, job] = entry;
    delete job.incidentKey;
    delete job.retryAt;
    if (job.retries < 1) job.retries = 1;
    this.toDispatch.add(elementInstanceKey);
    return true;
  }

  /** The job's input mappings cannot be evaluated: it is not sent, and waits for an operator (Zeebe's IO_MAPPING_ERROR). */
  raiseInputMappingIncident(elementInstanceKey: string, errorMessage: string): void {
    const job = this.jobs[elementInstanceKey];
    if (job && !job.incidentKey) this.raiseJobIncident(elementInstanceKey, job, 'IO_MAPPING_ERROR', errorMessage);
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
    for (const [elementInstanceKey, job] of Object.entries(this.jobs)) {
      if (job.retryAt !== undefined && job.retryAt <= now && !job.incidentKey) {
        delete job.retryAt;
        due.push(elementInstanceKey);
        this.toDispatch.add(elementInstanceKey);
      }
    }
    return due;
  }

  takePending(): PendingWrites {
    const pending = this.pending;
    this.pending = { userTasks: [], leftUserTasks: [], incidents: [], newSubscriptions: [] };
    return pending;
  }

  // --- the interpreter ---------------------------------------------------------------------------

  private node(id: string): FlowNode {
    const node = this.model.nodes.get(id);
    if (!node) throw new Error(`process ${this.model.bpmnProcessId} has no element '${id}'`);
    return node;
  }

  /** A token arrives at a flow node: it passes through, or waits there. */
  private enter(node: FlowNode): void {
    switch (node.kind) {
      case 'endEvent':
        if (node.terminate) this.terminate();
        return;
      case 'startEvent':
      case 'intermediateThrowEvent':
      case 'task':
      case 'manualTask':
        return this.takeOutgoing(node);
      case 'exclusiveGateway':
        return this.passExclusive(node);
      case 'parallelGateway': {
        if (node.incoming > 1) {
          const arrived = (this.joins[node.id] ?? 0) + 1;
          if (arrived < node.incoming) {
            this.joins[node.id] = arrived;
            return;
          }
          delete this.joins[node.id];
        }
        return this.takeOutgoing(node);
      }
      case 'serviceTask':
      case 'userTask':
      case 'receiveTask':
      case 'intermediateCatchEvent':
        return this.wait(node);
      case 'boundaryEvent':
        throw new Error(`boundary event '${node.id}' cannot be entered by a sequence flow`);
    }
  }

  /** The token waits at an activity or catch event; its boundary events are armed. */
  private wait(node: FlowNode): void {
    const token: Token = { key: this.keys.next(), elementId: node.id };
    this.tokens.set(token.key, token);
    try {
      switch (node.kind) {
        case 'serviceTask':
          this.createJob(token);
          break;
        case 'userTask':
          this.createUserTask(token);
          break;
        case 'receiveTask':
          this.subscribe(token.key, node);
          break;
        case 'intermediateCatchEvent':
          if (node.waitsFor && 'timer' in node.waitsFor) this.timers[token.key] = this.firstDue(node.waitsFor.timer);
          else this.subscribe(token.key, node);
          break;
        default:
          break;
      }
      for (const boundaryId of node.boundaries) this.arm(token, this.node(boundaryId));
    } catch (error) {
      this.disarm(token);
      if (this.jobs[token.key]) {
        delete this.jobs[token.key];
        this.toDispatch.delete(token.key);
      }
      this.stopAt(token, error);
    }
  }

  /** A failure entering an element: the token stays there with an incident, as Zeebe does. */
  private stopAt(token: Token, error: unknown): void {
    if (!(error instanceof ElementFailure) && !(error instanceof FeelError)) throw error;
    token.incidentKey = this.keys.next();
    const errorType = error instanceof ElementFailure ? error.errorType : 'EXTRACT_VALUE_ERROR';
    this.pending.incidents.push({
      incidentKey: token.incidentKey,
      elementId: token.elementId,
      elementInstanceKey: token.key,
      errorType,
      errorMessage: error.message,
    });
  }

  private createJob(token: Token): void {
    const def = this.model.serviceTasks.get(token.elementId);
    if (!def) throw new ElementFailure('UNKNOWN', `service task ${token.elementId} has no task definition`);
    const retries = Number(evaluateProperty(def.retries, this.variables));
    this.jobs[token.key] = { key: this.keys.next(), elementId: token.elementId, retries: Number.isInteger(retries) && retries > 0 ? retries : 3 };
    this.toDispatch.add(token.key);
  }

  private createUserTask(token: Token): void {
    const userTask = this.model.userTasks.get(token.elementId);
    if (!userTask) throw new ElementFailure('UNKNOWN', `user task ${token.elementId} is not described`);
    const groups = userTask.candidateGroups ? evaluateProperty(userTask.candidateGroups, this.variables) : [];
    const assignee = userTask.assignee ? evaluateProperty(userTask.assignee, this.variables) : undefined;
    const priority = userTask.priority ? Number(evaluateProperty(userTask.priority, this.variables)) : 50;
    const dueDate = userTask.dueDate ? evaluateProperty(userTask.dueDate, this.variables) : undefined;
    this.pending.userTasks.push({
      userTaskKey: this.keys.next(),
      elementId: token.elementId,
      elementInstanceKey: token.key,
      name: userTask.name,
      candidateGroups: Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? groups.split(',').map((g) => g.trim()) : [],
      ...(typeof assignee === 'string' && assignee ? { assignee } : {}),
      priority: Number.isFinite(priority) ? priority : 50,
      ...(typeof dueDate === 'string' ? { dueDate } : {}),
      ...(userTask.formKey ? { formKey: userTask.formKey } : {}),
    });
  }

  private subscribe(executionId: string, node: FlowNode): void {
    const catchDef = this.model.messageCatches.get(node.id);
    if (!catchDef) throw new ElementFailure('UNKNOWN', `${node.id} waits for a message it does not name`);
    const correlationKey = evaluateProperty(catchDef.correlationKey, this.variables);
    if (typeof correlationKey !== 'string' && typeof correlationKey !== 'number') {
      throw new ElementFailure('EXTRACT_VALUE_ERROR', `failed to extract the correlation key for '${catchDef.correlationKey}': it is not a string or number`);
    }
    const subscription = { executionId, elementId: node.id, messageName: catchDef.messageName, correlationKey: String(correlationKey) };
    this.subscriptions.set(executionId, subscription);
    this.pending.newSubscriptions.push(subscription);
    this.subscriptionsChanged = true;
  }

  private unsubscribe(executionId: string): void {
    if (this.subscriptions.delete(executionId)) this.subscriptionsChanged = true;
  }

  /** Arms a boundary event of a waiting activity: its timer or its message subscription (errors are matched when thrown). */
  private arm(token: Token, boundary: FlowNode): void {
    const waitsFor = boundary.waitsFor;
    if (!waitsFor || 'error' in waitsFor) return;
    const id = `${token.key}/${boundary.id}`;
    if ('timer' in waitsFor) {
      this.timers[id] = this.firstDue(waitsFor.timer);
      if (waitsFor.timer.kind === 'cycle') (token.cycles ??= {})[boundary.id] = this.cycle(waitsFor.timer).repetitions - 1;
    } else {
      this.subscribe(id, boundary);
    }
  }

  /** Removes whatever the token's element and its boundary events wait for. */
  private disarm(token: Token): void {
    for (const id of Object.keys(this.timers)) if (id === token.key || id.startsWith(`${token.key}/`)) delete this.timers[id];
    for (const id of [...this.subscriptions.keys()]) if (id === token.key || id.startsWith(`${token.key}/`)) this.unsubscribe(id);
  }

  /** The token's element is done: it leaves by its outgoing flows. */
  private leave(token: Token): void {
    this.remove(token, false);
    this.takeOutgoing(this.node(token.elementId));
  }

  /** The token ends where it is: its job is dropped, its user task cancelled (unless completed), its waits removed. */
  private remove(token: Token, cancelled: boolean): void {
    this.disarm(token);
    this.tokens.delete(token.key);
    if (this.jobs[token.key]) {
      delete this.jobs[token.key];
      this.toDispatch.delete(token.key);
    }
    if (cancelled && this.node(token.elementId).kind === 'userTask') this.pending.leftUserTasks.push(token.key);
  }

  private triggerBoundary(token: Token, boundary: FlowNode): void {
    if (boundary.interrupting) {
      this.remove(token, true);
    } else if (boundary.waitsFor && 'timer' in boundary.waitsFor && boundary.waitsFor.timer.kind === 'cycle') {
      const left = token.cycles?.[boundary.id] ?? 0;
      if (left !== 0) {
        token.cycles![boundary.id] = left - 1;
        this.timers[`${token.key}/${boundary.id}`] = this.now() + this.cycle(boundary.waitsFor.timer).intervalMs;
      }
    }
    this.takeOutgoing(boundary);
  }

  private takeOutgoing(node: FlowNode): void {
    for (const flow of node.outgoing) this.enter(this.node(flow.target));
  }

  /** Zeebe's exclusive gateway: the first flow whose condition holds, else the default, else an incident. */
  private passExclusive(node: FlowNode): void {
    if (node.outgoing.length === 1 && !node.outgoing[0]!.condition) return this.enter(this.node(node.outgoing[0]!.target));
    try {
      const taken =
        node.outgoing.find(
          (flow) => flow.id !== node.defaultFlow && flow.condition !== undefined && evaluateProperty(flow.condition, this.variables) === true,
        ) ?? node.outgoing.find((flow) => flow.id === node.defaultFlow);
      if (!taken) throw new ElementFailure('CONDITION_ERROR', `expected at least one condition to evaluate to true, or to have a default flow at '${node.id}'`);
      this.enter(this.node(taken.target));
    } catch (error) {
      const token: Token = { key: this.keys.next(), elementId: node.id };
      this.tokens.set(token.key, token);
      this.stopAt(token, error instanceof FeelError ? new ElementFailure('CONDITION_ERROR', error.message) : error);
    }
  }

  private terminate(): void {
    for (const token of [...this.tokens.values()]) this.remove(token, true);
    for (const id of Object.keys(this.joins)) delete this.joins[id];
  }

  private checkEnded(): void {
    if (this.tokens.size === 0 && Object.keys(this.joins).length === 0) this.ended = true;
  }

  private raiseJobIncident(elementInstanceKey: string, job: JobState, errorType: NewIncident['errorType'], errorMessage: string) {
    job.incidentKey = this.keys.next();
    delete job.retryAt;
    this.pending.incidents.push({ incidentKey: job.incidentKey, elementId: job.elementId, elementInstanceKey, jobKey: job.key, errorType, errorMessage });
  }

  private firstDue(timer: TimerDef): number {
    const value = String(evaluateProperty(timer.expression, this.variables));
    if (timer.kind === 'date') {
      const at = Date.parse(value);
      if (Number.isNaN(at)) throw new ElementFailure('EXTRACT_VALUE_ERROR', `timer date '${value}' is not an ISO 8601 date-time`);
      return at;
    }
    if (timer.kind === 'cycle') return this.now() + this.cycle(timer).intervalMs;
    const ms = parseIsoDurationMs(value);
    if (ms === undefined) throw new ElementFailure('EXTRACT_VALUE_ERROR', `timer duration '${value}' is not an ISO 8601 duration`);
    return this.now() + ms;
  }

  /** `R<n>/<duration>` (n repetitions; `R/<duration>` repeats without end). */
  private cycle(timer: TimerDef): { repetitions: number; intervalMs: number } {
    const value = String(evaluateProperty(timer.expression, this.variables));
    const match = /^R(\d*)\/(P.+)$/.exec(value);
    const intervalMs = match ? parseIsoDurationMs(match[2]!) : undefined;
    if (!match || intervalMs === undefined || intervalMs <= 0)
      throw new ElementFailure('EXTRACT_VALUE_ERROR', `timer cycle '${value}' is not R<n>/<ISO 8601 duration>`);
    return { repetitions: match[1] ? Number(match[1]) : -1, intervalMs };
  }
}
