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

/**
 * A small model beside the real ones, for what the TV model does not use: output mappings, a
 * FEEL condition on a mapped value, and a service task whose BPMN error nothing catches.
 */
const probeModel = {
  name: 'engine-probe.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="probe-definitions" targetNamespace="https://ahs-field-service/test">
  <bpmn:process id="engine-probe" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="price" />
    <bpmn:serviceTask id="price" name="Price">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="probe-price" retries="1" />
        <zeebe:ioMapping>
          <zeebe:input source="=quantity * 2" target="units" />
          <zeebe:output source="=quote.total" target="total" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="price" targetRef="big" />
    <bpmn:exclusiveGateway id="big"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f3" sourceRef="big" targetRef="expensive"><bpmn:conditionExpression>=total &gt; 10</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="big" targetRef="cheap"><bpmn:conditionExpression>=total &lt;= 10</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="expensive"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="cheap"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
};

const startEngine = () =>
  EmbeddedEngine.start({
    db: database.db,
    models: [...loadModels(), probeModel],
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
    `SELECT state, variables, process_instance_key::text AS key FROM engine.instances WHERE correlation_key = $1`,
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
    await engine.publishMessage({
      name: 'tv-outcome-recorded',
      correlationKey: orderId,
      timeToLiveMs: 60_000,
      variables: { outcome: 'YES', visitId: `visit-${orderId}` },
    });
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
    const { rows } = await database.db.query('SELECT 1 FROM engine.instances WHERE correlation_key = $1', [orderId]);
    expect(rows).toHaveLength(1);
  });

  it('when the SLA passes, then an operator task is created with the scope groups, and completing it ends that branch', async () => {
    const orderId = newOrder();
    await requestTv(orderId);
    await engine.idle();
    clock.pin(Date.now() + 6 * 24 * 3600_000);
    const task = await eventually(
      async () => {
        const { rows } = await database.db.query<{ user_task_key: string; candidate_groups: string[]; state: string }>(
          `SELECT t.user_task_key::text, t.candidate_groups, t.state FROM engine.user_tasks t JOIN engine.instances i USING (process_instance_key) WHERE i.correlation_key = $1`,
          [orderId],
        );
        return rows[0];
      },
      5_000,
      20,
    );
    expect(task.candidate_groups).toEqual(['operators', 'country:ES', 'bu:ES-MAD', 'store:ES-MAD-001']);
    await engine.completeUserTask(task.user_task_key, { note: 'provider called' });
    await engine.publishMessage({ name: 'tv-outcome-recorded', correlationKey: orderId, timeToLiveMs: 60_000, variables: { outcome: 'YES' } });
    await completed(orderId);
  });

  it('when a worker keeps failing, then the job is retried with backoff and becomes an incident out of retries', async () => {
    const orderId = newOrder();
    worker.behaviours.set('tv-schedule-visit', (job) =>
      job.variables.orderId === orderId ? { status: 503, body: { reason: 'db down' } } : { status: 200, body: { variables: {} } },
    );
    await requestTv(orderId);
    for (let i = 1; i <= 5; i++) {
      await eventually(async () => (worker.ofType('tv-schedule-visit', orderId).length >= i ? true : undefined), 5_000, 20);
      await engine.idle();
      clock.pin(clock.now() + 20_000);
    }
    const incident = await eventually(
      async () => {
        const { rows } = await database.db.query<{ error_type: string; error_message: string }>(
          `SELECT error_type, error_message FROM engine.incidents i JOIN engine.instances p USING (process_instance_key) WHERE p.correlation_key = $1`,
          [orderId],
        );
        return rows[0];
      },
      5_000,
      20,
    );
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

  it('when the worker raises a BPMN error the model catches, then the boundary path is taken (TV not needed)', async () => {
    const orderId = newOrder();
    worker.behaviours.set('tv-schedule-visit', (job) =>
      job.variables.orderId === orderId
        ? { status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE', errorMessage: 'order cancelled' } }
        : { status: 200, body: { variables: {} } },
    );
    await requestTv(orderId);
    await completed(orderId);
    expect(worker.ofType('orders-unblock-installation', orderId)).toEqual([]);
    const { rows } = await database.db.query(
      'SELECT 1 FROM engine.incidents i JOIN engine.instances p USING (process_instance_key) WHERE p.correlation_key = $1',
      [orderId],
    );
    expect(rows).toEqual([]);
    worker.behaviours.delete('tv-schedule-visit');
  });

  it('when a BPMN error has no boundary event for its code, then the instance waits with an incident (UNHANDLED_ERROR_EVENT)', async () => {
    const orderId = newOrder();
    worker.behaviours.set('tv-schedule-visit', (job) =>
      job.variables.orderId === orderId
        ? { status: 422, body: { errorCode: 'NOT_IN_THE_MODEL', errorMessage: 'nobody catches this' } }
        : { status: 200, body: { variables: {} } },
    );
    await requestTv(orderId);
    const incident = await eventually(
      async () => {
        const { rows } = await database.db.query<{ error_type: string }>(
          'SELECT error_type FROM engine.incidents i JOIN engine.instances p USING (process_instance_key) WHERE p.correlation_key = $1',
          [orderId],
        );
        return rows[0];
      },
      5_000,
      20,
    );
    expect(incident.error_type).toBe('UNHANDLED_ERROR_EVENT');
    expect((await instanceOf(orderId))?.state).toBe('ACTIVE');
    worker.behaviours.delete('tv-schedule-visit');
  });

  it('when a job has input and output mappings, then the worker gets the input and the process the mapped output, which a FEEL condition reads', async () => {
    worker.behaviours.set('probe-price', (job) => ({ status: 200, body: { variables: { quote: { total: Number(job.variables.units) * 5 } } } }));
    const expensive = await engine.createInstance('engine-probe', { quantity: 3, probe: 'expensive' });
    const cheap = await engine.createInstance('engine-probe', { quantity: 1, probe: 'cheap' });
    const variablesOf = (key: string) =>
      eventually(
        async () => {
          const { rows } = await database.db.query<{ state: string; variables: Record<string, unknown> }>(
            'SELECT state, variables FROM engine.instances WHERE process_instance_key = $1',
            [key],
          );
          return rows[0]?.state === 'COMPLETED' ? rows[0].variables : undefined;
        },
        5_000,
        20,
      );
    expect(await variablesOf(expensive.processInstanceKey)).toEqual({ quantity: 3, probe: 'expensive', total: 30 });
    expect(await variablesOf(cheap.processInstanceKey)).toEqual({ quantity: 1, probe: 'cheap', total: 10 });
    const jobs = worker.jobs.filter((j) => j.type === 'probe-price');
    expect(jobs.map((j) => j.variables.units).sort()).toEqual([2, 6]);
  });
});
