import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatchJob } from './dispatch';
import { JOB_EVENT_TYPE, type Job } from './job';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A worker stand-in: records each request and answers what the test says. */
const worker = {
  url: '',
  received: [] as Received[],
  answer: { status: 200, type: 'application/json', body: '{"variables":{}}' as string | undefined, delayMs: 0 },
};
let server: http.Server;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      worker.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const { status, type, body: answer, delayMs } = worker.answer;
      setTimeout(() => res.writeHead(status, { 'content-type': type }).end(answer), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  worker.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
beforeEach(() => {
  worker.received.length = 0;
  worker.answer = { status: 200, type: 'application/json', body: '{"variables":{}}', delayMs: 0 };
});

const job: Job = {
  key: '2251799813685249',
  type: 'tv-schedule-visit',
  processInstanceKey: '2251799813685250',
  bpmnProcessId: 'technical-visit',
  elementId: 'schedule-visit',
  retries: 2,
  deadline: 1_767_225_600_000,
  variables: { orderId: 'o-1' },
  customHeaders: { priority: 'high' },
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};
const options = () => ({ url: worker.url, source: '/functions/job-bridge', timeoutMs: 2_000 });

describe('dispatchJob against a real HTTP server', () => {
  it('when a job is dispatched, then it is POSTed as a binary CloudEvent with the job in its data', async () => {
    await dispatchJob(job, options());
    expect(worker.received).toHaveLength(1);
    const [request] = worker.received;
    expect(request).toMatchObject({ method: 'POST', url: '/jobs' });
    expect(request?.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': job.key,
      'ce-type': JOB_EVENT_TYPE,
      'ce-source': '/functions/job-bridge',
      'ce-subject': 'tv-schedule-visit',
      'ce-jobkey': job.key,
      'ce-retries': '2',
      'ce-traceparent': job.traceparent,
      'content-type': expect.stringContaining('application/json') as string,
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({ variables: job.variables, customHeaders: job.customHeaders });
  });

  it('when the worker answers JSON, then its status and parsed body come back', async () => {
    worker.answer = { ...worker.answer, status: 422, body: '{"errorCode":"ORDER_NOT_ACTIVE","errorMessage":"cancelled"}' };
    expect(await dispatchJob(job, options())).toEqual({ status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE', errorMessage: 'cancelled' } });
  });

  it('when the worker answers a body that is not JSON, then it comes back as text', async () => {
    worker.answer = { ...worker.answer, status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' };
    expect(await dispatchJob(job, options())).toEqual({ status: 502, body: '<html>Bad Gateway</html>' });
  });

  it('when the worker answers with an empty body, then the body is undefined', async () => {
    worker.answer = { ...worker.answer, status: 204, body: undefined };
    expect(await dispatchJob(job, options())).toEqual({ status: 204, body: undefined });
  });

  it('when the worker does not answer within the timeout, then the answer is a timeout, not an exception', async () => {
    worker.answer = { ...worker.answer, delayMs: 1_500 };
    const started = Date.now();
    const answer = await dispatchJob(job, { ...options(), timeoutMs: 200 });
    expect(answer).toEqual({ status: 'timeout', detail: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('when nothing listens on the port, then the answer is unreachable with the connection error code', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await dispatchJob(job, { ...options(), url: `http://127.0.0.1:${port}/jobs` })).toEqual({ status: 'unreachable', detail: 'ECONNREFUSED' });
  });

  it('when the host does not resolve, then the answer is unreachable', async () => {
    const answer = await dispatchJob(job, { ...options(), url: 'http://no-such-worker.invalid/jobs' });
    expect(answer.status).toBe('unreachable');
  });
});
