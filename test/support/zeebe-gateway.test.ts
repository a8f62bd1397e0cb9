import type { Zeebe } from '@camunda8/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camundaSdkConfig, zeebeConfigSchema } from '../../shared/workflow/zeebe-config';
import { zeebeGrpcClient } from '../../functions/job-bridge/zeebe-workers';
import { startZeebeGateway, type ZeebeGatewayDouble } from './zeebe-gateway';

/** The double follows the gateway protocol as the SDK's own client sees it. */
describe('the Zeebe gateway double', () => {
  let gateway: ZeebeGatewayDouble;
  let zeebe: Zeebe.ZeebeGrpcClient;
  beforeAll(async () => {
    gateway = await startZeebeGateway();
    zeebe = zeebeGrpcClient({
      ...camundaSdkConfig(zeebeConfigSchema.parse({ ZEEBE_GRPC_ADDRESS: gateway.url, CAMUNDA_AUTH_STRATEGY: 'NONE' })),
      zeebeGrpcSettings: { ZEEBE_GRPC_CLIENT_RETRY: false, ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    });
  });
  afterAll(async () => {
    await zeebe.close(2_000);
    await gateway.close();
  });
  const activate = (type: string, timeout = 200) => zeebe.activateJobs({ type, worker: 'test', timeout, maxJobsToActivate: 10, requestTimeout: -1 });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('when a job is activated, then it is not handed out again until its timeout passes', async () => {
    const key = gateway.enqueue({ type: 'g-timeout', variables: { a: 1 }, customHeaders: { h: 'v' } });
    const [job] = await activate('g-timeout', 300);
    expect(job).toMatchObject({ key, type: 'g-timeout', variables: { a: 1 }, customHeaders: { h: 'v' }, retries: 3 });
    expect(await activate('g-timeout')).toEqual([]);
    await sleep(350);
    expect((await activate('g-timeout')).map((j) => j.key)).toEqual([key]);
  });

  it('when a job is completed, then it is gone and a second command answers NOT_FOUND', async () => {
    const key = gateway.enqueue({ type: 'g-complete' });
    await activate('g-complete');
    await zeebe.completeJob({ jobKey: key, variables: { done: true } });
    expect(gateway.commands.at(-1)).toEqual({ kind: 'complete', jobKey: key, variables: { done: true } });
    await expect(zeebe.completeJob({ jobKey: key, variables: {} })).rejects.toMatchObject({ code: 5 });
    expect(await activate('g-complete', 10)).toEqual([]);
  });

  it('when a job is failed with retries left, then it comes back after its backoff with those retries', async () => {
    const key = gateway.enqueue({ type: 'g-backoff' });
    await activate('g-backoff');
    await zeebe.failJob({ jobKey: key, retries: 2, errorMessage: 'later', retryBackOff: 300 });
    expect(await activate('g-backoff')).toEqual([]);
    await sleep(350);
    expect((await activate('g-backoff')).map((j) => [j.key, j.retries])).toEqual([[key, 2]]);
  });

  it('when a job is failed with 0 retries, then an incident is recorded and the job can be neither activated nor completed', async () => {
    const key = gateway.enqueue({ type: 'g-incident', elementId: 'task-a' });
    await activate('g-incident');
    await zeebe.failJob({ jobKey: key, retries: 0, errorMessage: 'broken', retryBackOff: 0 });
    expect(gateway.incidents.at(-1)).toMatchObject({ jobKey: key, elementId: 'task-a', errorMessage: 'broken' });
    expect(await activate('g-incident')).toEqual([]);
    await expect(zeebe.completeJob({ jobKey: key, variables: {} })).rejects.toMatchObject({ code: 9 });
  });

  it('when a BPMN error is thrown, then the job is gone', async () => {
    const key = gateway.enqueue({ type: 'g-error' });
    await activate('g-error');
    await zeebe.throwError({ jobKey: key, errorCode: 'X', errorMessage: 'y' });
    expect(gateway.commands.at(-1)).toEqual({ kind: 'error', jobKey: key, errorCode: 'X', errorMessage: 'y', variables: {} });
    expect(gateway.stateOf(key)?.state).toBe('errored');
  });

  it('when a command names an unknown job key, then it answers NOT_FOUND; failing an unactivated job, FAILED_PRECONDITION', async () => {
    await expect(zeebe.failJob({ jobKey: '1', retries: 1, errorMessage: 'x', retryBackOff: 0 })).rejects.toMatchObject({ code: 5 });
    const key = gateway.enqueue({ type: 'g-not-activated' });
    await expect(zeebe.failJob({ jobKey: key, retries: 1, errorMessage: 'x', retryBackOff: 0 })).rejects.toMatchObject({ code: 9 });
  });

  it('when a worker long-polls, then a job enqueued meanwhile is handed to it', async () => {
    const polling = zeebe.activateJobs({ type: 'g-long-poll', worker: 'test', timeout: 1_000, maxJobsToActivate: 5, requestTimeout: 2_000 });
    await sleep(100);
    const key = gateway.enqueue({ type: 'g-long-poll' });
    expect((await polling).map((j) => j.key)).toEqual([key]);
  });

  it('when a message is published twice with the same id, then the second is refused as ALREADY_EXISTS', async () => {
    await zeebe.publishMessage({ name: 'm', correlationKey: 'o-1', messageId: 'id-1', variables: { x: 1 }, timeToLive: 1_000 });
    await expect(zeebe.publishMessage({ name: 'm', correlationKey: 'o-1', messageId: 'id-1', variables: {}, timeToLive: 1_000 })).rejects.toMatchObject({
      code: 6,
    });
    expect(gateway.messages).toEqual([{ name: 'm', correlationKey: 'o-1', messageId: 'id-1', timeToLive: 1_000, variables: { x: 1 } }]);
  });
});
