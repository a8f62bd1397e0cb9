import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../test/support/logger';
import type { Job, WorkerAnswer } from '../../shared/workflow/job';
import { makeJobBridge, type ActivatedJob, type JobActions, type JobBridgeDeps } from './handler';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function activated(overrides: Partial<ActivatedJob> = {}): ActivatedJob {
  return {
    key: '2251799813685249',
    type: 'tv-schedule-visit',
    processInstanceKey: '2251799813685250',
    bpmnProcessId: 'technical-visit',
    elementId: 'schedule-visit',
    retries: 3,
    deadline: '1767225600000',
    variables: { orderId: 'o-1', customerPhone: '+34 600 000 001', note: 'ring twice at Calle Mayor 5' },
    customHeaders: { priority: 'high', attempt: 2 },
    ...overrides,
  };
}

/** Fakes: the worker answers `answer`; job actions are recorded (or throw). */
function setup(answer: WorkerAnswer, overrides: Partial<JobBridgeDeps> = {}, actionError?: Error) {
  const dispatched: { job: Job; url: string }[] = [];
  const actions: { kind: string; args: unknown }[] = [];
  const act = (kind: string) => (args: unknown) => {
    actions.push({ kind, args });
    return actionError ? Promise.reject(actionError) : Promise.resolve('JOB_ACTION_ACKNOWLEDGEMENT');
  };
  const jobActions: JobActions = { complete: act('complete'), error: act('error'), fail: act('fail') };
  const logger = memoryLogger();
  const traces: { carrier: Record<string, string>; name: string }[] = [];
  const bridge = makeJobBridge({
    dispatch: (job, url) => {
      dispatched.push({ job, url });
      return Promise.resolve(answer);
    },
    workerUrl: (worker) => `http://${worker}.test`,
    policy: { baseBackOffMs: 1_000, maxBackOffMs: 8_000, initialRetries: 3 },
    logger,
    inTrace: (carrier, name, work) => {
      traces.push({ carrier, name });
      return work();
    },
    currentTraceparent: () => undefined,
    ...overrides,
  });
  return { bridge, dispatched, actions, jobActions, logger, traces };
}

describe('the job bridge handler', () => {
  it('when the worker answers 2xx with variables, then the job is completed with them', async () => {
    const t = setup({ status: 200, body: { variables: { visitId: 'v-1' } } });
    const command = await t.bridge.handle(activated(), t.jobActions);
    expect(command).toEqual({ kind: 'complete', variables: { visitId: 'v-1' } });
    expect(t.actions).toEqual([{ kind: 'complete', args: { visitId: 'v-1' } }]);
    expect(t.bridge.stats()).toMatchObject({ dispatched: 1, completed: 1, failed: 0, rejected: 0 });
  });

  it('when a job is activated, then its worker function (from the contract) gets it as a Job', async () => {
    const t = setup({ status: 200, body: {} });
    await t.bridge.handle(activated({ type: 'orders-cancel-installation' }), t.jobActions);
    expect(t.dispatched).toEqual([
      {
        url: 'http://orders-installation-gate.test',
        job: {
          key: '2251799813685249',
          type: 'orders-cancel-installation',
          processInstanceKey: '2251799813685250',
          bpmnProcessId: 'technical-visit',
          elementId: 'schedule-visit',
          retries: 3,
          deadline: 1767225600000,
          variables: activated().variables,
          customHeaders: { priority: 'high', attempt: '2' },
        },
      },
    ]);
  });

  it('when the worker answers a BPMN error, then the error is thrown with its code, message and variables', async () => {
    const t = setup({ status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE', errorMessage: 'order cancelled', variables: { at: 'now' } } });
    await t.bridge.handle(activated(), t.jobActions);
    expect(t.actions).toEqual([{ kind: 'error', args: { errorCode: 'ORDER_NOT_ACTIVE', errorMessage: 'order cancelled', variables: { at: 'now' } } }]);
    expect(t.bridge.stats()).toMatchObject({ errored: 1 });
  });

  it('when the worker answers 5xx, then the job fails with one retry less and the policy backoff', async () => {
    const t = setup({ status: 503, body: { reason: 'database unavailable' } });
    await t.bridge.handle(activated({ retries: 2 }), t.jobActions);
    expect(t.actions).toEqual([{ kind: 'fail', args: { errorMessage: 'worker answered 503: database unavailable', retries: 1, retryBackOff: 2_000 } }]);
    expect(t.bridge.stats()).toMatchObject({ failed: 1, lastFailure: 'worker answered 503: database unavailable' });
  });

  it('when the worker refuses the job (400), then it fails with 0 retries', async () => {
    const t = setup({ status: 400, body: { reason: 'variables.orderId: required' } });
    await t.bridge.handle(activated(), t.jobActions);
    expect(t.actions).toEqual([
      { kind: 'fail', args: { errorMessage: 'worker refused the job (400): variables.orderId: required', retries: 0, retryBackOff: 0 } },
    ]);
  });

  it('when a task type has no worker in the contract, then the job fails with 0 retries without any dispatch', async () => {
    const t = setup({ status: 200, body: {} });
    await t.bridge.handle(activated({ type: 'no-such-task' }), t.jobActions);
    expect(t.dispatched).toEqual([]);
    expect(t.actions).toEqual([{ kind: 'fail', args: { errorMessage: expect.stringContaining('"no-such-task"') as string, retries: 0, retryBackOff: 0 } }]);
  });

  it('when the job carries a traceparent variable, then the work runs in that trace and the job carries it on', async () => {
    const t = setup({ status: 200, body: {} });
    await t.bridge.handle(activated({ variables: { traceparent: TRACEPARENT } }), t.jobActions);
    expect(t.traces).toEqual([{ carrier: { traceparent: TRACEPARENT }, name: 'job-bridge.tv-schedule-visit' }]);
    expect(t.dispatched[0]?.job.traceparent).toBe(TRACEPARENT);
  });

  it("when tracing is on, then the job carries the bridge's own span, child of the workflow's trace", async () => {
    const own = '00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01';
    const t = setup({ status: 200, body: {} }, { currentTraceparent: () => own });
    await t.bridge.handle(activated({ variables: { traceparent: TRACEPARENT } }), t.jobActions);
    expect(t.dispatched[0]?.job.traceparent).toBe(own);
  });

  it('when the traceparent variable is malformed or absent, then no trace context is passed on', async () => {
    const t = setup({ status: 200, body: {} });
    await t.bridge.handle(activated({ variables: { traceparent: 'not-a-trace' } }), t.jobActions);
    await t.bridge.handle(activated(), t.jobActions);
    expect(t.traces.map((x) => x.carrier)).toEqual([{}, {}]);
    expect(t.dispatched.map((d) => d.job.traceparent)).toEqual([undefined, undefined]);
  });

  it('when the engine refuses the command (job gone), then the handler does not throw and counts it', async () => {
    const notFound = Object.assign(new Error('5 NOT_FOUND'), { code: 5, details: "Command 'COMPLETE' rejected with code 'NOT_FOUND'" });
    const t = setup({ status: 200, body: {} }, {}, notFound);
    await expect(t.bridge.handle(activated(), t.jobActions)).resolves.toMatchObject({ kind: 'complete' });
    expect(t.bridge.stats()).toMatchObject({ completed: 0, rejected: 1 });
    expect(t.logger.lines.at(-1)).toMatchObject({ level: 'warn', command: 'complete', error: "5 Command 'COMPLETE' rejected with code 'NOT_FOUND'" });
  });

  it('when jobs are handled, then log lines name the job and the answer but never a variable value', async () => {
    for (const answer of [
      { status: 200, body: { variables: { customerEmail: 'ana@example.com' } } },
      { status: 500, body: { reason: 'boom' } },
      { status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE' } },
    ] as WorkerAnswer[]) {
      const t = setup(answer);
      await t.bridge.handle(activated(), t.jobActions);
      const text = JSON.stringify(t.logger.lines);
      for (const secret of ['600 000 001', 'Calle Mayor', 'o-1', 'ana@example.com']) expect(text).not.toContain(secret);
      expect(t.logger.lines.at(-1)).toMatchObject({
        jobKey: '2251799813685249',
        taskType: 'tv-schedule-visit',
        worker: 'tv-schedule-visit',
        answer: answer.status,
      });
    }
  });
});
