import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadModels } from '../../bpmn/models';
import { eventually } from '../../test/support/eventually';
import { useIsolatedDatabase } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { RecordingWorker } from '../../test/support/recording-worker';
import { EngineClock } from './clock';
import { EmbeddedEngine } from './engine';

const database = useIsolatedDatabase();
const worker = new RecordingWorker();
const clock = new EngineClock();
let engine: EmbeddedEngine;
const logger = memoryLogger();

const startEngine = () =>
  EmbeddedEngine.start({
    db: database.db,
    models: loadModels(),
    workerUrl: () => worker.url,
    logger,
    clock,
    tickMs: 50,
    dispatchTimeoutMs: 2_000,
    retryPolicy: { baseBackOffMs: 1_000, maxBackOffMs: 10_000, initialRetries: 3 },
  });

beforeAll(async () => {
  await worker.start();
  engine = await startEngine();
});
afterAll(async () => {
  await engine.stop();
  await worker.stop();
});
afterEach(() => clock.reset());

let orders = 0;
const newOrder = () => `00000000-0000-4000-8000-${String(++orders).padStart(12, '0')}-${Date.now()}`.slice(0, 36);

async function requestTv(orderId: string) {
  await engine.publishMessage({
    name: 'tv-requested',
    correlationKey: orderId,
    messageId: `tv-requested:${orderId}`,
    timeToLiveMs: 3_600_000,
    variables: { orderId, country: 'ES', businessUnit: 'ES-MAD', store: 'ES-MAD-001', slaDuration: 'P5D', answerDeadline: 'P7D' },
  });
}

async function instanceOf(orderId: string) {
  const { rows } = await database.db.query<{ state: string; variables: Record<string, unknown>; key: string }>(
    `SELECT state, variables, process_instance_key::text AS key FROM platform.workflow_instances WHERE correlation_key = $1`,
    [orderId],
  );
  return rows[0];
}

const completed = (orderId: string) => eventually(async () => ((await instanceOf(orderId))?.state === 'COMPLETED' ? true : undefined), 10_000, 20);

describe('embedded engine running bpmn/technical-visit.bpmn', () => {
  it('when a TV is requested and the visit is YES, then schedule and unblock run as jobs and the instance completes', async () => {
    const orderId = newOrder();
    worker.behaviours.set('tv-schedule-visit', () => ({ status: 200, body: { variables: { visitId: `visit-${orderId}` } } }));
    await requestTv(orderId);
    await eventually(async () => (worker.ofType('tv-schedule-visit', orderId).length === 1 ? true : undefined), 5_000, 20);
    await engine.idle();
    await engine.publishMessage({ name: 'tv-outcome-recorded', correlationKey: orderId, timeToLiveMs: 60_000, variables: { outcome: 'YES', visitId: `visit-${orderId}` } });
    await completed(orderId);
    const [unblock] = worker.ofType('orders-unblock-installation', orderId);
    expect(unblock?.variables).toMatchObject({ orderId, visitId: `visit-${orderId}`, outcome: 'YES' });
    expect(unblock?.key).toMatch(/^\d+$/);
  });

  it('when the outcome is published before the instance waits for it, then the buffered message is correlated later', async () => {
    const orderId = newOrder();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    worker.behaviours.set('tv-schedule-visit', () => ({ status: 200, body: { variables: { visitId: 'v' } } }));
    await requestTv(orderId);
    await engine.publishMessage({ name: 'tv-outcome-recorded', correlationKey: orderId, timeToLiveMs: 60_000, variables: { outcome: 'NO' } });
    release();
    await gate;
    await completed(orderId);
    expect(worker.ofType('orders-cancel-installation', orderId)[0]?.variables).toMatchObject({ reason: 'tv-negative' });
  });

  it('when the same TV is requested twice, then one instance runs (message id and one active instance per correlation key)', async () => {
    const orderId = newOrder();
    await requestTv(orderId);
    await expect(requestTv(orderId)).rejects.toThrow(/already published/);
    await engine.publishMessage({ name: 'tv-requested', correlationKey: orderId, timeToLiveMs: 0, variables: { orderId } });
    await engine.idle();
    const { rows } = await database.db.query('SELECT 1 FROM platform.workflow_instances WHERE correlation_key = $1', [orderId]);
    expect(rows).toHaveLength(1);
  });

  it('when the SLA passes, then an operator task is created with the scope groups, and completing it ends that branch', async () => {
    const orderId = newOrder();
    await requestTv(orderId);
    await engine.idle();
    clock.pin(Date.now() + 6 * 24 * 3600_000);
    const task = await eventually(async () => {
      const { rows } = await database.db.query<{ user_task_key: string; candidate_groups: string[]; state: string }>(
        `SELECT t.user_task_key::text, t.candidate_groups, t.state FROM platform.workflow_user_tasks t JOIN platform.workflow_instances i USING (process_instance_key) WHERE i.correlation_key = $1`,
        [orderId],
      );
      return rows[0];
    }, 5_000, 20);
    expect(task.candidate_groups).toEqual(['operators', 'country:ES', 'bu:ES-MAD', 'store:ES-MAD-001']);
    await engine.completeUserTask(task.user_task_key, { note: 'provider called' });
    await engine.publishMessage({ name: 'tv-outcome-recorded', correlationKey: orderId, timeToLiveMs: 60_000, variables: { outcome: 'YES' } });
    await completed(orderId);
  });

  it('when a worker keeps failing, then the job is retried with backoff and becomes an incident out of retries', async () => {
    const orderId = newOrder();
    worker.behaviours.set('tv-schedule-visit', (job) => (job.variables.orderId === orderId ? { status: 503, body: { reason: 'db down' } } : { status: 200, body: { variables: {} } }));
    await requestTv(orderId);
    for (let i = 1; i <= 5; i++) {
      await eventually(async () => (worker.ofType('tv-schedule-visit', orderId).length >= i ? true : undefined), 5_000, 20);
      await engine.idle();
      clock.pin(clock.now() + 20_000);
    }
    const incident = await eventually(async () => {
      const { rows } = await database.db.query<{ error_type: string; error_message: string }>(
        `SELECT error_type, error_message FROM platform.workflow_incidents i JOIN platform.workflow_instances p USING (process_instance_key) WHERE p.correlation_key = $1`,
        [orderId],
      );
      return rows[0];
    }, 5_000, 20);
    expect(incident).toMatchObject({ error_type: 'JOB_NO_RETRIES' });
    expect(incident.error_message).toContain('db down');
    expect(worker.ofType('tv-schedule-visit', orderId).map((j) => j.retries)).toEqual([5, 4, 3, 2, 1]);
    worker.behaviours.delete('tv-schedule-visit');
  });

  it('when the engine stops mid-flow and starts again, then the instance resumes, timers included', async () => {
    const orderId = newOrder();
    worker.behaviours.set('tv-schedule-visit', () => ({ status: 200, body: { variables: { visitId: 'v' } } }));
    await requestTv(orderId);
    await engine.idle();
    await engine.publishMessage({ name: 'tv-outcome-recorded', correlationKey: orderId, timeToLiveMs: 60_000, variables: { outcome: 'YES_BUT' } });
    await eventually(async () => (worker.ofType('tv-request-adjustment-approval', orderId).length === 1 ? true : undefined), 5_000, 20);
    await engine.idle();
    await engine.stop();
    engine = await startEngine();
    clock.pin(Date.now() + 8 * 24 * 3600_000);
    await completed(orderId);
    expect(worker.ofType('orders-cancel-installation', orderId)[0]?.variables).toMatchObject({ reason: 'adjustments-unanswered' });
  });
});
