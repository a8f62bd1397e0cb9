import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import { parseConfig } from '../../shared/config';
import { RetryableError } from '../../shared/errors';
import { makeWorkerFunction, work } from '../../shared/workflow';
import { useTestDb } from '../../test/support/db';
import { eventually } from '../../test/support/eventually';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { startZeebeGateway, type GatewayCommand, type ZeebeGatewayDouble } from '../../test/support/zeebe-gateway';
import { startJobBridge } from './bridge';
import { bridgeConfigSchema } from './config';

/**
 * The bridge as it runs in production — the SDK's workers, dispatchJob, answerToJobCommand —
 * against the Zeebe gateway double (real gRPC) and a real worker function on the test database.
 */
async function startBridge(template: string, env: Record<string, string> = {}) {
  const gateway = await startZeebeGateway();
  const logger = memoryLogger();
  const config = parseConfig(bridgeConfigSchema, {
    ZEEBE_GRPC_ADDRESS: gateway.url,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    JOB_WORKER_URL_TEMPLATE: template,
    JOB_LONG_POLL_MS: '2000',
    JOB_POLL_INTERVAL_MS: '50',
    JOB_TIMEOUT_MS: '3000',
    JOB_DISPATCH_TIMEOUT_MS: '1500',
    JOB_RETRY_BASE_BACKOFF_MS: '300',
    ...env,
  });
  const bridge = startJobBridge(config, logger);
  afterAll(async () => {
    await bridge.close();
    await gateway.close();
  });
  return { gateway, bridge, logger };
}

const commandsOf = (gateway: ZeebeGatewayDouble, jobKey: string) => gateway.commands.filter((c) => c.jobKey === jobKey);
const nthCommand = (gateway: ZeebeGatewayDouble, jobKey: string, n = 1) => eventually(() => Promise.resolve(commandsOf(gateway, jobKey)[n - 1]), 15_000, 20);

describe('job bridge → worker function (real gRPC, real HTTP, test database)', () => {
  const db = useTestDb();
  /** How many times the worker's handler ran per job key. */
  const runs = new Map<string, number>();
  let gateway: ZeebeGatewayDouble;
  let logger: ReturnType<typeof memoryLogger>;

  beforeAll(async () => {
    // A test handler registered for a contract task type under its contract worker name.
    const scheduleVisit = work(
      'tv-schedule-visit',
      z.object({ orderId: z.string().min(1), mode: z.enum(['complete', 'bpmn-error', 'retryable']).default('complete') }),
      async (variables, ctx) => {
        runs.set(ctx.job.key, (runs.get(ctx.job.key) ?? 0) + 1);
        if (variables.mode === 'retryable') throw new RetryableError('the calendar service is unavailable');
        if (variables.mode === 'bpmn-error') return { kind: 'bpmn-error', errorCode: bpmnErrors.orderNotActive, message: 'the order was cancelled' };
        return { kind: 'complete', variables: { visitId: randomUUID(), scheduledFor: variables.orderId } };
      },
    );
    const worker = await startFunction(
      'tv-schedule-visit',
      makeWorkerFunction({ name: 'tv-schedule-visit', db, jobs: [scheduleVisit], logger: memoryLogger() }),
    );
    ({ gateway, logger } = await startBridge(`${worker}/{worker}`));
  });

  it('when the worker answers 2xx, then CompleteJob carries its variables', async () => {
    const key = gateway.enqueue({ type: 'tv-schedule-visit', variables: { orderId: 'o-complete' } });
    const command = await nthCommand(gateway, key);
    expect(command).toEqual({ kind: 'complete', jobKey: key, variables: { visitId: expect.any(String) as string, scheduledFor: 'o-complete' } });
    expect(gateway.stateOf(key)).toMatchObject({ state: 'completed' });
    expect(gateway.activations.filter((a) => a.jobKey === key)).toEqual([
      { jobKey: key, type: 'tv-schedule-visit', worker: 'job-bridge', timeout: 3000, via: 'ActivateJobs' },
    ]);
  });

  it('when the worker answers 422 with an error code, then ThrowError carries the code and message', async () => {
    const key = gateway.enqueue({ type: 'tv-schedule-visit', variables: { orderId: 'o-error', mode: 'bpmn-error' } });
    expect(await nthCommand(gateway, key)).toEqual({
      kind: 'error',
      jobKey: key,
      errorCode: 'ORDER_NOT_ACTIVE',
      errorMessage: 'the order was cancelled',
      variables: {},
    });
    expect(gateway.stateOf(key)).toMatchObject({ state: 'errored' });
  });

  it('when the worker answers 5xx, then FailJob has one retry less and a doubling backoff, until the incident', async () => {
    const key = gateway.enqueue({ type: 'tv-schedule-visit', variables: { orderId: 'o-retry', mode: 'retryable' }, retries: 3 });
    await nthCommand(gateway, key, 3);
    const fails = commandsOf(gateway, key).map((c) => (c.kind === 'fail' ? [c.retries, c.retryBackOff, c.errorMessage] : c.kind));
    expect(fails).toEqual([
      [2, 300, 'worker answered 503: the calendar service is unavailable'],
      [1, 600, 'worker answered 503: the calendar service is unavailable'],
      [0, 1200, 'worker answered 503: the calendar service is unavailable'],
    ]);
    expect(gateway.incidents.filter((i) => i.jobKey === key)).toHaveLength(1);
    expect(runs.get(key)).toBe(3);
  });

  it('when the worker refuses the job (400, invalid variables), then FailJob has 0 retries and the double records an incident', async () => {
    const key = gateway.enqueue({ type: 'tv-schedule-visit', variables: { mode: 'complete' } });
    const command = await nthCommand(gateway, key);
    expect(command).toMatchObject({
      kind: 'fail',
      retries: 0,
      retryBackOff: 0,
      errorMessage: expect.stringContaining('worker refused the job (400)') as string,
    });
    expect(gateway.incidents).toContainEqual(
      expect.objectContaining({ jobKey: key, errorMessage: (command as GatewayCommand & { errorMessage: string }).errorMessage }),
    );
    expect(gateway.stateOf(key)).toEqual({ state: 'incident', retries: 0 });
    expect(runs.has(key)).toBe(false);
  });

  it('when the same job reaches the worker twice, then the second delivery gets the first answer and nothing runs twice', async () => {
    // The engine loses the first CompleteJob; the job times out, is activated again and re-sent.
    gateway.failNext('CompleteJob', status.INTERNAL);
    const key = gateway.enqueue({ type: 'tv-schedule-visit', variables: { orderId: 'o-twice' } });
    const command = await nthCommand(gateway, key);
    const [lost] = gateway.refused.filter((r) => r.method === 'CompleteJob' && r.request.jobKey === key);
    expect(gateway.activations.filter((a) => a.jobKey === key)).toHaveLength(2);
    expect(command).toMatchObject({ kind: 'complete' });
    expect(JSON.parse(String(lost?.request.variables))).toEqual((command as { variables: unknown }).variables);
    expect(runs.get(key)).toBe(1);
  });

  it('when jobs were bridged, then no log line carries a variable value', () => {
    const text = JSON.stringify(logger.lines);
    for (const value of ['o-complete', 'o-error', 'o-retry', 'o-twice']) expect(text).not.toContain(value);
    expect(logger.lines.some((l) => l.msg === 'job answered' && l.command === 'complete')).toBe(true);
  });
});

/** A worker stand-in that records what reaches it and answers after `delayMs`. */
async function startRecordingWorker(delayMs: number) {
  const received: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.headers);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"variables":{}}'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('job bridge when the worker is slow, down, or traced', () => {
  it('when the worker does not answer within the dispatch timeout, then FailJob retries it after the backoff', async () => {
    const worker = await startRecordingWorker(2_500);
    const { gateway } = await startBridge(`${worker.url}/{worker}`, { JOB_DISPATCH_TIMEOUT_MS: '300' });
    const key = gateway.enqueue({ type: 'tv-request-adjustment-approval', variables: {} });
    expect(await nthCommand(gateway, key)).toEqual({
      kind: 'fail',
      jobKey: key,
      retries: 2,
      retryBackOff: 300,
      errorMessage: 'worker timeout: no answer within 300 ms',
      variables: {},
    });
  });

  it("when the worker is down on a job's last retry, then FailJob leaves 0 retries (backoff of a third attempt) and an incident", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { gateway } = await startBridge(`http://127.0.0.1:${port}/{worker}`);
    const key = gateway.enqueue({ type: 'orders-unblock-installation', variables: {}, retries: 1 });
    expect(await nthCommand(gateway, key)).toEqual({
      kind: 'fail',
      jobKey: key,
      retries: 0,
      retryBackOff: 1200,
      errorMessage: 'worker unreachable: ECONNREFUSED',
      variables: {},
    });
    expect(gateway.incidents.map((i) => i.jobKey)).toEqual([key]);
  });

  it('when a workflow carries a trace context, then it reaches the worker as the CloudEvent traceparent', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const worker = await startRecordingWorker(0);
    const { gateway } = await startBridge(`${worker.url}/{worker}`);
    const key = gateway.enqueue({ type: 'orders-cancel-installation', variables: { traceparent }, customHeaders: { reason: 'customer' } });
    await nthCommand(gateway, key);
    expect(worker.received).toEqual([
      expect.objectContaining({ 'ce-id': key, 'ce-jobkey': key, 'ce-subject': 'orders-cancel-installation', 'ce-traceparent': traceparent }),
    ]);
  });
});
