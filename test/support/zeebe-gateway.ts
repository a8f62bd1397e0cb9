import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * A test double of the Zeebe gateway: a real gRPC server speaking the gateway protocol that
 * @camunda8/sdk ships (dist/proto/zeebe.proto), so the SDK's own worker and deploy code run
 * against it unchanged. It keeps jobs as the engine does:
 *
 * - an activated job is handed out once, until its deadline passes (then it is activatable
 *   again, retries unchanged) or it is failed with retries > 0 (activatable after its backoff);
 * - a completed job, or one that threw a BPMN error, is gone;
 * - FailJob with retries 0 raises an incident (recorded in `incidents`), and the job is no
 *   longer activatable;
 * - a command on an unknown job key answers NOT_FOUND; on a job in the wrong state,
 *   FAILED_PRECONDITION — with Zeebe's wording;
 * - ActivateJobs long-polls (requestTimeout > 0, or 10 s for 0; < 0 answers at once) and
 *   StreamActivatedJobs pushes jobs as they become activatable.
 *
 * Tests enqueue jobs and read back what the gateway received in `commands`.
 */

export interface EnqueueJob {
  type: string;
  variables?: Record<string, unknown>;
  customHeaders?: Record<string, string>;
  retries?: number;
  bpmnProcessId?: string;
  elementId?: string;
  processInstanceKey?: string;
  tenantId?: string;
}

export type GatewayCommand =
  | { kind: 'complete'; jobKey: string; variables: Record<string, unknown> }
  | { kind: 'fail'; jobKey: string; retries: number; errorMessage: string; retryBackOff: number; variables: Record<string, unknown> }
  | { kind: 'error'; jobKey: string; errorCode: string; errorMessage: string; variables: Record<string, unknown> };

export interface GatewayIncident {
  jobKey: string;
  processInstanceKey: string;
  elementId: string;
  errorMessage: string;
}

export interface Activation {
  jobKey: string;
  type: string;
  worker: string;
  timeout: number;
  via: 'ActivateJobs' | 'StreamActivatedJobs';
}

export interface DeployedProcess {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  resourceName: string;
}

export interface PublishedMessage {
  name: string;
  correlationKey: string;
  timeToLive: number;
  messageId: string;
  variables: Record<string, unknown>;
}

type JobState = 'activatable' | 'activated' | 'failed' | 'incident' | 'completed' | 'errored';

interface StoredJob {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  elementId: string;
  elementInstanceKey: string;
  tenantId: string;
  variables: Record<string, unknown>;
  customHeaders: Record<string, string>;
  retries: number;
  state: JobState;
  /** Epoch ms: end of the activation (activated) or of the backoff (failed). */
  until: number;
  worker: string;
}

export interface ZeebeGatewayDouble {
  /** `127.0.0.1:<port>` */
  address: string;
  /** `grpc://127.0.0.1:<port>`, the form ZEEBE_GRPC_ADDRESS takes. */
  url: string;
  enqueue(job: EnqueueJob): string;
  /** The job's current state (undefined: never enqueued). */
  stateOf(jobKey: string): { state: JobState; retries: number } | undefined;
  commands: GatewayCommand[];
  incidents: GatewayIncident[];
  activations: Activation[];
  deployments: DeployedProcess[][];
  messages: PublishedMessage[];
  /** Authorization metadata of every call, in order (empty string when none was sent). */
  authorizations: string[];
  /** The next call of `method` fails with `code` (e.g. INTERNAL), its request kept in `refused`. */
  failNext(method: 'CompleteJob' | 'FailJob' | 'ThrowError' | 'DeployResource' | 'PublishMessage', code: grpc.status): void;
  refused: { method: string; request: Record<string, unknown> }[];
  close(): Promise<void>;
}

export const ZEEBE_PROTO = path.join(path.dirname(require.resolve('@camunda8/sdk')), 'proto', 'zeebe.proto');

const DEFAULT_LONG_POLL_MS = 10_000;

interface LongPoll {
  type: string;
  worker: string;
  timeout: number;
  max: number;
  call: grpc.ServerWritableStream<Record<string, unknown>, unknown>;
  timer: NodeJS.Timeout;
}

interface JobStream {
  type: string;
  worker: string;
  timeout: number;
  call: grpc.ServerWritableStream<Record<string, unknown>, unknown>;
}

function rpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

function parseVariables(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || text === '') return {};
  const value = JSON.parse(text) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('variables must be a JSON document (an object)');
  return value as Record<string, unknown>;
}

export async function startZeebeGateway(): Promise<ZeebeGatewayDouble> {
  const definition = loadSync(ZEEBE_PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const protocol = grpc.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } } };
  const jobs = new Map<string, StoredJob>();
  const polls: LongPoll[] = [];
  const streams: JobStream[] = [];
  const double = {
    commands: [] as GatewayCommand[],
    incidents: [] as GatewayIncident[],
    activations: [] as Activation[],
    deployments: [] as DeployedProcess[][],
    messages: [] as PublishedMessage[],
    authorizations: [] as string[],
    refused: [] as { method: string; request: Record<string, unknown> }[],
  };
  const refusals: { method: string; code: grpc.status }[] = [];
  // Keys start at a random point: job keys of two doubles in one test database never collide
  // (worker functions store their answer per job key).
  let nextKey = 2251799813685249n + BigInt(Math.floor(Math.random() * 2 ** 40)) * 1024n;
  const newKey = () => String(nextKey++);
  const versions = new Map<string, { version: number; key: string; content: string }>();
  let wakeTimer: NodeJS.Timeout | undefined;

  /** Jobs whose activation timed out or whose backoff passed become activatable again. */
  const refresh = (now: number) => {
    for (const job of jobs.values()) {
      if ((job.state === 'activated' || job.state === 'failed') && job.until <= now) job.state = 'activatable';
    }
  };
  const activatable = (type: string) => [...jobs.values()].filter((j) => j.state === 'activatable' && j.type === type);
  const activate = (job: StoredJob, worker: string, timeout: number, via: Activation['via']) => {
    job.state = 'activated';
    job.until = Date.now() + timeout;
    job.worker = worker;
    double.activations.push({ jobKey: job.key, type: job.type, worker, timeout, via });
    return {
      key: job.key,
      type: job.type,
      processInstanceKey: job.processInstanceKey,
      bpmnProcessId: job.bpmnProcessId,
      processDefinitionVersion: 1,
      processDefinitionKey: '2251799813685000',
      elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey,
      customHeaders: JSON.stringify(job.customHeaders),
      worker,
      retries: job.retries,
      deadline: String(job.until),
      variables: JSON.stringify(job.variables),
      tenantId: job.tenantId,
    };
  };

  /** Hands activatable jobs to waiting long polls first, then to open streams; re-arms the timer. */
  const dispatch = () => {
    const now = Date.now();
    refresh(now);
    for (const poll of [...polls]) {
      const ready = activatable(poll.type).slice(0, poll.max);
      if (ready.length === 0) continue;
      polls.splice(polls.indexOf(poll), 1);
      clearTimeout(poll.timer);
      poll.call.write({ jobs: ready.map((j) => activate(j, poll.worker, poll.timeout, 'ActivateJobs')) });
      poll.call.end();
    }
    for (const stream of streams) {
      for (const job of activatable(stream.type)) stream.call.write(activate(job, stream.worker, stream.timeout, 'StreamActivatedJobs'));
    }
    const next = Math.min(...[...jobs.values()].filter((j) => j.state === 'activated' || j.state === 'failed').map((j) => j.until));
    clearTimeout(wakeTimer);
    wakeTimer = Number.isFinite(next) ? setTimeout(dispatch, Math.max(0, next - Date.now()) + 5) : undefined;
  };

  /** Looks a job up for a command, as the engine's precondition check does. */
  const commandable = (verb: string, command: string, jobKey: string, allowed: JobState[]): StoredJob => {
    refresh(Date.now());
    const job = jobs.get(jobKey);
    const rejected = (code: grpc.status, type: string, reason: string) =>
      rpcError(code, `Command '${command}' rejected with code '${type}': Expected to ${verb} job with key '${jobKey}', but ${reason}`);
    if (!job || job.state === 'completed' || job.state === 'errored') throw rejected(grpc.status.NOT_FOUND, 'NOT_FOUND', 'no such job was found');
    if (!allowed.includes(job.state)) {
      const state = job.state === 'incident' ? 'FAILED' : job.state === 'activatable' ? 'ACTIVATABLE' : job.state.toUpperCase();
      throw rejected(grpc.status.FAILED_PRECONDITION, 'INVALID_STATE', `it is in state '${state}'`);
    }
    return job;
  };

  const unary =
    <Req, Res>(method: string, work: (request: Req) => Res): grpc.handleUnaryCall<Req, Res> =>
    (call, callback) => {
      double.authorizations.push(String(call.metadata.get('authorization')[0] ?? ''));
      const refusal = refusals.findIndex((r) => r.method === method);
      if (refusal >= 0) {
        const code = refusals.splice(refusal, 1)[0]?.code ?? grpc.status.INTERNAL;
        double.refused.push({ method, request: { ...(call.request as Record<string, unknown>) } });
        return callback(rpcError(code, `${method} refused by the test`), null);
      }
      try {
        callback(null, work(call.request));
      } catch (error) {
        const e = error as Partial<grpc.ServiceError>;
        callback(e.code !== undefined ? e : rpcError(grpc.status.INVALID_ARGUMENT, (error as Error).message), null);
      }
    };

  const implementation: grpc.UntypedServiceImplementation = {
    ActivateJobs: (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
      double.authorizations.push(String(call.metadata.get('authorization')[0] ?? ''));
      const request = call.request as { type: string; worker: string; timeout: string; maxJobsToActivate: number; requestTimeout: string };
      if (!request.type) return void call.emit('error', rpcError(grpc.status.INVALID_ARGUMENT, 'Expected to activate jobs of a type, but the type was empty'));
      if (request.maxJobsToActivate < 1) {
        return void call.emit('error', rpcError(grpc.status.INVALID_ARGUMENT, `Expected to activate at least 1 job, but it was ${request.maxJobsToActivate}`));
      }
      const requestTimeout = Number(request.requestTimeout);
      const poll: LongPoll = {
        type: request.type,
        worker: request.worker,
        timeout: Number(request.timeout),
        max: request.maxJobsToActivate,
        call,
        timer: setTimeout(
          () => {
            const i = polls.indexOf(poll);
            if (i >= 0) polls.splice(i, 1);
            call.end();
          },
          requestTimeout > 0 ? requestTimeout : DEFAULT_LONG_POLL_MS,
        ),
      };
      polls.push(poll);
      call.on('cancelled', () => {
        clearTimeout(poll.timer);
        const i = polls.indexOf(poll);
        if (i >= 0) polls.splice(i, 1);
      });
      dispatch();
      if (requestTimeout < 0 && polls.includes(poll)) {
        clearTimeout(poll.timer);
        polls.splice(polls.indexOf(poll), 1);
        call.end();
      }
    },
    StreamActivatedJobs: (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
      double.authorizations.push(String(call.metadata.get('authorization')[0] ?? ''));
      const request = call.request as { type: string; worker: string; timeout: string };
      const stream: JobStream = { type: request.type, worker: request.worker, timeout: Number(request.timeout), call };
      streams.push(stream);
      call.on('cancelled', () => streams.splice(streams.indexOf(stream), 1));
      dispatch();
    },
    CompleteJob: unary('CompleteJob', (request: { jobKey: string; variables: string }) => {
      const job = commandable('complete', 'COMPLETE', request.jobKey, ['activatable', 'activated']);
      const variables = parseVariables(request.variables);
      job.state = 'completed';
      double.commands.push({ kind: 'complete', jobKey: job.key, variables });
      return {};
    }),
    FailJob: unary('FailJob', (request: { jobKey: string; retries: number; errorMessage: string; retryBackOff: string; variables: string }) => {
      const job = commandable('fail', 'FAIL', request.jobKey, ['activated']);
      const variables = parseVariables(request.variables);
      const retryBackOff = Number(request.retryBackOff);
      double.commands.push({ kind: 'fail', jobKey: job.key, retries: request.retries, errorMessage: request.errorMessage, retryBackOff, variables });
      job.retries = Math.max(0, request.retries);
      if (job.retries === 0) {
        job.state = 'incident';
        double.incidents.push({ jobKey: job.key, processInstanceKey: job.processInstanceKey, elementId: job.elementId, errorMessage: request.errorMessage });
      } else if (retryBackOff > 0) {
        job.state = 'failed';
        job.until = Date.now() + retryBackOff;
      } else {
        job.state = 'activatable';
      }
      setImmediate(dispatch);
      return {};
    }),
    ThrowError: unary('ThrowError', (request: { jobKey: string; errorCode: string; errorMessage: string; variables: string }) => {
      const job = commandable('throw an error for', 'THROW_ERROR', request.jobKey, ['activatable', 'activated']);
      const variables = parseVariables(request.variables);
      job.state = 'errored';
      double.commands.push({ kind: 'error', jobKey: job.key, errorCode: request.errorCode, errorMessage: request.errorMessage, variables });
      return {};
    }),
    DeployResource: unary('DeployResource', (request: { resources: { name: string; content: Buffer }[]; tenantId: string }) => {
      if (request.resources.length === 0) throw new Error('Expected to deploy at least one resource, but none given');
      const deployed = request.resources.flatMap((resource) => deployBpmn(resource.name, resource.content.toString('utf8')));
      double.deployments.push(deployed);
      return {
        key: newKey(),
        tenantId: request.tenantId || '<default>',
        deployments: deployed.map((p) => ({ process: { ...p, tenantId: request.tenantId || '<default>' } })),
      };
    }),
    Topology: unary('Topology', () => ({
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: 26501, version: '8.8.0', partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] }],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: '8.8.0',
    })),
    PublishMessage: unary(
      'PublishMessage',
      (request: { name: string; correlationKey: string; timeToLive: string; messageId: string; variables: string; tenantId: string }) => {
        const duplicate = request.messageId !== '' && double.messages.some((m) => m.messageId === request.messageId && m.name === request.name);
        if (duplicate) {
          throw rpcError(
            grpc.status.ALREADY_EXISTS,
            `Command 'PUBLISH' rejected with code 'ALREADY_EXISTS': Expected to publish a new message with id '${request.messageId}', but a message with that id was already published`,
          );
        }
        const { name, correlationKey, messageId } = request;
        double.messages.push({ name, correlationKey, messageId, timeToLive: Number(request.timeToLive), variables: parseVariables(request.variables) });
        return { key: newKey(), tenantId: request.tenantId || '<default>' };
      },
    ),
  };

  /** Each executable process of a BPMN resource; identical content redeployed keeps its version. */
  function deployBpmn(resourceName: string, xml: string): DeployedProcess[] {
    if (!resourceName.endsWith('.bpmn')) throw new Error(`Expected to deploy a .bpmn resource, but got '${resourceName}'`);
    const ids = [...xml.matchAll(/<(?:\w+:)?process\b[^>]*?\bid="([^"]+)"/g)].map((m) => m[1] as string);
    if (ids.length === 0) throw new Error(`'${resourceName}': Must contain at least one executable process`);
    return ids.map((bpmnProcessId) => {
      const latest = versions.get(bpmnProcessId);
      const entry = latest && latest.content === xml ? latest : { version: (latest?.version ?? 0) + 1, key: newKey(), content: xml };
      versions.set(bpmnProcessId, entry);
      return { bpmnProcessId, version: entry.version, processDefinitionKey: entry.key, resourceName };
    });
  }

  const server = new grpc.Server();
  server.addService(protocol.gateway_protocol.Gateway.service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    url: `grpc://127.0.0.1:${port}`,
    ...double,
    enqueue(input) {
      const key = newKey();
      jobs.set(key, {
        key,
        type: input.type,
        processInstanceKey: input.processInstanceKey ?? newKey(),
        bpmnProcessId: input.bpmnProcessId ?? 'test-process',
        elementId: input.elementId ?? 'task',
        elementInstanceKey: newKey(),
        tenantId: input.tenantId ?? '<default>',
        variables: input.variables ?? {},
        customHeaders: input.customHeaders ?? {},
        retries: input.retries ?? 3,
        state: 'activatable',
        until: 0,
        worker: '',
      });
      dispatch();
      return key;
    },
    failNext(method, code) {
      refusals.push({ method, code });
    },
    stateOf(jobKey) {
      refresh(Date.now());
      const job = jobs.get(jobKey);
      return job ? { state: job.state, retries: job.retries } : undefined;
    },
    close: async () => {
      clearTimeout(wakeTimer);
      for (const poll of polls.splice(0)) clearTimeout(poll.timer);
      streams.length = 0;
      server.forceShutdown();
      await Promise.resolve();
    },
  };
}
