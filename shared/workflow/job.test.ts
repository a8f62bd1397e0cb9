import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors';
import { answerToJobCommand, defaultRetryPolicy, JOB_EVENT_TYPE, jobFromCloudEvent, jobToCloudEvent, type Job, type RetryPolicy } from './job';

const policy: RetryPolicy = { baseBackOffMs: 1_000, maxBackOffMs: 10_000, initialRetries: 3 };
const first = { retries: 3 };

describe('answerToJobCommand', () => {
  it('when the worker answers 2xx with variables, then the job is completed with them', () => {
    expect(answerToJobCommand(first, { status: 200, body: { variables: { visitId: 'v1', slots: [1, 2] } } }, policy)).toEqual({
      kind: 'complete',
      variables: { visitId: 'v1', slots: [1, 2] },
    });
    expect(answerToJobCommand(first, { status: 201, body: { variables: {} } }, policy)).toEqual({ kind: 'complete', variables: {} });
  });

  it('when the worker answers 2xx without variables or without a body, then the job is completed with none', () => {
    expect(answerToJobCommand(first, { status: 200, body: {} }, policy)).toEqual({ kind: 'complete', variables: {} });
    expect(answerToJobCommand(first, { status: 204, body: undefined }, policy)).toEqual({ kind: 'complete', variables: {} });
  });

  it.each([
    ['text', 'done'],
    ['an array', [1, 2]],
    ['variables that are not an object', { variables: [1] }],
    ['variables that are a string', { variables: 'x' }],
  ])('when the worker answers 2xx with %s, then the job fails with no retries (an incident, not a guess)', (_, body) => {
    expect(answerToJobCommand(first, { status: 200, body }, policy)).toEqual({
      kind: 'fail',
      errorMessage: 'worker answered 200 without a variables object',
      retries: 0,
      retryBackOffMs: 0,
    });
  });

  it.each([400, 409, 422, 404, 429])('when the worker answers %i with an error code, then that BPMN error is thrown', (status) => {
    const body = { errorCode: 'ORDER_NOT_ACTIVE', errorMessage: 'order cancelled', variables: { cancelledAt: '2026-01-01' } };
    expect(answerToJobCommand(first, { status, body }, policy)).toEqual({ kind: 'error', ...body });
  });

  it('when a BPMN error comes without message or variables, then they default to empty', () => {
    expect(answerToJobCommand(first, { status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE' } }, policy)).toEqual({
      kind: 'error',
      errorCode: 'ORDER_NOT_ACTIVE',
      errorMessage: '',
      variables: {},
    });
  });

  it('when the error code is empty, then it is no BPMN error: the 4xx rule applies', () => {
    expect(answerToJobCommand(first, { status: 422, body: { errorCode: '' } }, policy)).toMatchObject({ kind: 'fail', retries: 0 });
  });

  it.each([400, 403, 422, 401])('when the worker answers %i without an error code, then the job fails with 0 retries (incident at once)', (status) => {
    expect(answerToJobCommand(first, { status, body: { error: 'invalid_event', reason: 'variables.orderId: required' } }, policy)).toEqual({
      kind: 'fail',
      errorMessage: `worker refused the job (${status}): variables.orderId: required`,
      retries: 0,
      retryBackOffMs: 0,
    });
  });

  it.each([404, 409, 429])('when the worker answers %i without an error code, then the job is retried', (status) => {
    expect(answerToJobCommand(first, { status, body: { reason: 'not yet' } }, policy)).toEqual({
      kind: 'fail',
      errorMessage: `worker answered ${status}: not yet`,
      retries: 2,
      retryBackOffMs: 1_000,
    });
  });

  it.each([500, 502, 503, 504])('when the worker answers %i, then the job is retried with one retry less after the backoff', (status) => {
    expect(answerToJobCommand(first, { status, body: { errorMessage: 'database unavailable' } }, policy)).toEqual({
      kind: 'fail',
      errorMessage: `worker answered ${status}: database unavailable`,
      retries: 2,
      retryBackOffMs: 1_000,
    });
  });

  it('when a failing answer has a text body or none, then the message says so', () => {
    expect(answerToJobCommand(first, { status: 502, body: '<html>Bad Gateway</html>' }, policy)).toMatchObject({
      errorMessage: 'worker answered 502: <html>Bad Gateway</html>',
    });
    expect(answerToJobCommand(first, { status: 500, body: undefined }, policy)).toMatchObject({ errorMessage: 'worker answered 500: no reason given' });
    expect(answerToJobCommand(first, { status: 500, body: 'x'.repeat(500) }, policy)).toMatchObject({
      errorMessage: `worker answered 500: ${'x'.repeat(200)}`,
    });
  });

  it('when the worker does not answer in time, then the job is retried', () => {
    expect(answerToJobCommand(first, { status: 'timeout', detail: 'no answer within 60000 ms' }, policy)).toEqual({
      kind: 'fail',
      errorMessage: 'worker timeout: no answer within 60000 ms',
      retries: 2,
      retryBackOffMs: 1_000,
    });
  });

  it('when the worker is unreachable, then the job is retried', () => {
    expect(answerToJobCommand(first, { status: 'unreachable', detail: 'ECONNREFUSED' }, policy)).toEqual({
      kind: 'fail',
      errorMessage: 'worker unreachable: ECONNREFUSED',
      retries: 2,
      retryBackOffMs: 1_000,
    });
  });

  it('when attempts follow one another, then the backoff doubles each time up to its cap', () => {
    const wide: RetryPolicy = { baseBackOffMs: 1_000, maxBackOffMs: 5_000, initialRetries: 6 };
    const backoffs = [6, 5, 4, 3, 2, 1].map((retries) => answerToJobCommand({ retries }, { status: 503, body: {} }, wide));
    expect(backoffs.map((c) => (c.kind === 'fail' ? [c.retries, c.retryBackOffMs] : c.kind))).toEqual([
      [5, 1_000],
      [4, 2_000],
      [3, 4_000],
      [2, 5_000],
      [1, 5_000],
      [0, 5_000],
    ]);
  });

  it('when a job has more retries than the policy starts with, then the first backoff is the base', () => {
    expect(answerToJobCommand({ retries: 10 }, { status: 500, body: {} }, policy)).toMatchObject({ retries: 9, retryBackOffMs: 1_000 });
  });

  it('when a job has no retries left (or a negative count), then retries never go below 0', () => {
    expect(answerToJobCommand({ retries: 0 }, { status: 500, body: {} }, policy)).toMatchObject({ kind: 'fail', retries: 0 });
    expect(answerToJobCommand({ retries: -2 }, { status: 'timeout', detail: 'x' }, policy)).toMatchObject({ kind: 'fail', retries: 0, retryBackOffMs: 10_000 });
  });

  it("when the worker's 503 carries a dependency's retryAfterMs, then the backoff is at least that long (and the doubling when longer)", () => {
    const answer = (retryAfterMs: number) => ({ status: 503, body: { error: 'unavailable', reason: 'Adobe Sign busy', retryAfterMs } });
    expect(answerToJobCommand({ retries: 3 }, answer(42_000), policy)).toMatchObject({ kind: 'fail', retries: 2, retryBackOffMs: 42_000 });
    expect(answerToJobCommand({ retries: 3 }, answer(10), policy)).toMatchObject({ retryBackOffMs: 1_000 });
  });

  it('when no policy is given, then the default one applies (5 s doubling, 5 min cap, 3 retries)', () => {
    expect(defaultRetryPolicy).toEqual({ baseBackOffMs: 5_000, maxBackOffMs: 300_000, initialRetries: 3 });
    expect(answerToJobCommand({ retries: 2 }, { status: 500, body: {} })).toMatchObject({ retries: 1, retryBackOffMs: 10_000 });
  });
});

const job: Job = {
  key: '2251799813685249',
  type: 'tv-schedule-visit',
  processInstanceKey: '2251799813685250',
  bpmnProcessId: 'technical-visit',
  elementId: 'schedule-visit',
  retries: 3,
  deadline: 1_767_225_600_000,
  variables: { orderId: 'o-1', nested: { a: [1, null, true] } },
  customHeaders: { priority: 'high' },
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

/** A CloudEvent as a worker receives it: the job's event with some attributes replaced. */
function eventWith(overrides: Record<string, unknown>, data: unknown = { variables: {}, customHeaders: {} }) {
  const attributes: Record<string, unknown> = { ...jobToCloudEvent(job, '/functions/job-bridge').toJSON(), data, ...overrides };
  for (const [k, v] of Object.entries(attributes)) if (v === undefined) delete attributes[k];
  return new CloudEvent<unknown>(attributes, false);
}

describe('the job CloudEvent', () => {
  it('when a job is turned into a CloudEvent, then its attributes name the job', () => {
    const event = jobToCloudEvent(job, '/functions/job-bridge');
    expect(event).toMatchObject({
      specversion: '1.0',
      id: job.key,
      source: '/functions/job-bridge',
      type: JOB_EVENT_TYPE,
      subject: 'tv-schedule-visit',
      datacontenttype: 'application/json',
      jobkey: job.key,
      processinstancekey: job.processInstanceKey,
      bpmnprocessid: 'technical-visit',
      elementid: 'schedule-visit',
      retries: '3',
      deadline: '1767225600000',
      partitionkey: job.processInstanceKey,
      traceparent: job.traceparent,
    });
    expect(event.data).toEqual({ variables: job.variables, customHeaders: job.customHeaders });
  });

  it('when a job goes out and is read back, then it is the same job', () => {
    expect(jobFromCloudEvent(jobToCloudEvent(job, '/functions/job-bridge'))).toEqual(job);
  });

  it('when a job has no trace context, then the event carries none and none is read back', () => {
    const { traceparent: _, ...untraced } = job;
    const event = jobToCloudEvent(untraced, '/x');
    expect(event.traceparent).toBeUndefined();
    expect(jobFromCloudEvent(event)).toEqual(untraced);
  });

  it('when custom headers are absent from the data, then they read back as none', () => {
    expect(jobFromCloudEvent(eventWith({}, { variables: { a: 1 } })).customHeaders).toEqual({});
  });

  it('when the event is not a job, then it is refused as invalid input', () => {
    expect(() => jobFromCloudEvent(eventWith({ type: 'ahs.orders.service-order.created' }))).toThrow(InvalidInputError);
    expect(() => jobFromCloudEvent(eventWith({ type: 'ahs.orders.service-order.created' }))).toThrow('not a job: type "ahs.orders.service-order.created"');
  });

  it.each([
    ['the job key is missing', { jobkey: undefined }, 'jobkey'],
    ['the job key is not a number', { jobkey: 'abc' }, 'jobkey'],
    ['the process instance key is missing', { processinstancekey: undefined }, 'processinstancekey'],
    ['the task type (subject) is missing', { subject: undefined }, 'subject'],
    ['the process id is empty', { bpmnprocessid: '' }, 'bpmnprocessid'],
    ['the element id is missing', { elementid: undefined }, 'elementid'],
    ['the retries are negative', { retries: '-1' }, 'retries'],
    ['the deadline is not a number', { deadline: 'tomorrow' }, 'deadline'],
  ])('when %s, then the job is refused naming the attribute', (_, overrides, attribute) => {
    expect(() => jobFromCloudEvent(eventWith(overrides))).toThrow(InvalidInputError);
    expect(() => jobFromCloudEvent(eventWith(overrides))).toThrow(new RegExp(`not a job: .*${attribute}`));
  });

  it.each([
    ['no data', null],
    ['variables that are not an object', { variables: [1, 2] }],
    ['no variables', { customHeaders: {} }],
    ['custom headers that are not strings', { variables: {}, customHeaders: { n: 1 } }],
  ])('when the event has %s, then the job is refused', (_, data) => {
    expect(() => jobFromCloudEvent(eventWith({}, data))).toThrow(/not a job: data/);
  });
});
