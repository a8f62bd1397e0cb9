import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/eventually';
import { useIsolatedDatabase } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { RecordingWorker } from '../../test/support/recording-worker';
import { EngineClock } from './clock';
import { EmbeddedEngine } from './engine';
import { readModels } from './model';

const database = useIsolatedDatabase();
const worker = new RecordingWorker();
const clock = new EngineClock();
const logger = memoryLogger();
let engine: EmbeddedEngine;

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="https://ahs-field-service/test">`;
const job = (id: string, type: string, incoming: string, outgoing: string) =>
  `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="1" /></bpmn:extensionElements><bpmn:incoming>${incoming}</bpmn:incoming><bpmn:outgoing>${outgoing}</bpmn:outgoing></bpmn:serviceTask>`;
const flow = (id: string, from: string, to: string, condition?: string) =>
  `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}">${condition ? `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression>` : ''}</bpmn:sequenceFlow>`;

/** Parallel split and join: both branches' jobs run, the join waits for both, then one more job. */
const parallel = {
  name: 'probe-parallel.bpmn',
  xml: `${HEAD}
  <bpmn:process id="probe-parallel" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    ${flow('f0', 'start', 'split')}
    <bpmn:parallelGateway id="split"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>fa</bpmn:outgoing><bpmn:outgoing>fb</bpmn:outgoing></bpmn:parallelGateway>
    ${flow('fa', 'split', 'a')}${flow('fb', 'split', 'b')}
    ${job('a', 'probe-a', 'fa', 'fa2')}${job('b', 'probe-b', 'fb', 'fb2')}
    ${flow('fa2', 'a', 'join')}${flow('fb2', 'b', 'join')}
    <bpmn:parallelGateway id="join"><bpmn:incoming>fa2</bpmn:incoming><bpmn:incoming>fb2</bpmn:incoming><bpmn:outgoing>fc</bpmn:outgoing></bpmn:parallelGateway>
    ${flow('fc', 'join', 'c')}${job('c', 'probe-c', 'fc', 'fe')}${flow('fe', 'c', 'end')}
    <bpmn:endEvent id="end"><bpmn:incoming>fe</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
};

/**
 * A receive task with an interrupting message boundary (cancel) and a non-interrupting timer
 * cycle (reminders R2/PT1H), then an intermediate timer catch, then a terminate end event that
 * also ends a user task left open on another branch.
 */
const waits = {
  name: 'probe-waits.bpmn',
  xml: `${HEAD}
  <bpmn:message id="m-answer" name="probe-answer"><bpmn:extensionElements><zeebe:subscription correlationKey="=ref" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="m-cancel" name="probe-cancel"><bpmn:extensionElements><zeebe:subscription correlationKey="=ref" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="probe-waits" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    ${flow('f0', 'start', 'fork')}
    <bpmn:parallelGateway id="fork"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing><bpmn:outgoing>f9</bpmn:outgoing></bpmn:parallelGateway>
    ${flow('f9', 'fork', 'review')}
    <bpmn:userTask id="review" name="Review"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="operators" /></bpmn:extensionElements><bpmn:incoming>f9</bpmn:incoming><bpmn:outgoing>f10</bpmn:outgoing></bpmn:userTask>
    ${flow('f10', 'review', 'reviewed')}
    <bpmn:endEvent id="reviewed"><bpmn:incoming>f10</bpmn:incoming></bpmn:endEvent>
    ${flow('f1', 'fork', 'answer')}
    <bpmn:receiveTask id="answer" messageRef="m-answer"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:receiveTask>
    <bpmn:boundaryEvent id="cancelled" attachedToRef="answer"><bpmn:outgoing>f3</bpmn:outgoing><bpmn:messageEventDefinition messageRef="m-cancel" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="remind" cancelActivity="false" attachedToRef="answer"><bpmn:outgoing>f4</bpmn:outgoing><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    ${flow('f4', 'remind', 'reminder')}${job('reminder', 'probe-remind', 'f4', 'f5')}${flow('f5', 'reminder', 'reminded')}
    <bpmn:endEvent id="reminded"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    ${flow('f3', 'cancelled', 'cancel-end')}
    <bpmn:endEvent id="cancel-end"><bpmn:incoming>f3</bpmn:incoming><bpmn:terminateEventDefinition /></bpmn:endEvent>
    ${flow('f2', 'answer', 'pause')}
    <bpmn:intermediateCatchEvent id="pause"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=pauseFor</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    ${flow('f6', 'pause', 'route')}
    <bpmn:exclusiveGateway id="route"><bpmn:incoming>f6</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing></bpmn:exclusiveGateway>
    ${flow('f7', 'route', 'done', '=answer = "yes"')}
    <bpmn:endEvent id="done"><bpmn:incoming>f7</bpmn:incoming><bpmn:terminateEventDefinition /></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
};

const startEngine = (cacheSize?: number) =>
  EmbeddedEngine.start({
    db: database.db,
    models: [parallel, waits],
    workerUrl: () => worker.url,
    logger,
    clock,
    tickMs: 50,
    dispatchTimeoutMs: 2_000,
    ...(cacheSize ? { cacheSize } : {}),
  });

beforeAll(async () => {
  await worker.start();
  engine = await startEngine(2);
});
afterAll(async () => {
  await engine.stop();
  await worker.stop();
});
afterEach(() => clock.reset());

const stateOf = async (key: string) =>
  (
    await database.db.query<{ state: string; variables: Record<string, unknown> }>(
      'SELECT state, variables FROM engine.instances WHERE process_instance_key = $1',
      [key],
    )
  ).rows[0];
const completed = (key: string) => eventually(async () => ((await stateOf(key))?.state === 'COMPLETED' ? true : undefined), 5_000, 20);
const jobsOf = (type: string, ref: string) => worker.jobs.filter((j) => j.type === type && j.variables.ref === ref);
const userTasksOf = async (key: string) =>
  (
    await database.db.query<{ state: string; user_task_key: string }>(
      'SELECT state, user_task_key::text FROM engine.user_tasks WHERE process_instance_key = $1',
      [key],
    )
  ).rows;
const incidentsOf = async (key: string) =>
  (
    await database.db.query<{ error_type: string; element_id: string }>('SELECT error_type, element_id FROM engine.incidents WHERE process_instance_key = $1', [
      key,
    ])
  ).rows;

/** The instance's incidents, once there is one. */
const firstIncidents = (key: string) =>
  eventually(
    async () => {
      const found = await incidentsOf(key);
      return found.length > 0 ? found : undefined;
    },
    5_000,
    20,
  );

let refs = 0;
const newRef = () => `ref-${++refs}-${Date.now()}`;

describe('the embedded engine interprets BPMN as Zeebe does', () => {
  it('when one branch of a parallel split fails, then the other branch runs and the join does not pass', async () => {
    const ref = newRef();
    worker.behaviours.set('probe-b', (j) => (j.variables.ref === ref ? { status: 503, body: { reason: 'down' } } : { status: 200, body: { variables: {} } }));
    const { processInstanceKey } = await engine.createInstance('probe-parallel', { ref });
    const incidents = await firstIncidents(processInstanceKey);
    await engine.idle();
    expect(incidents).toEqual([{ error_type: 'JOB_NO_RETRIES', element_id: 'b' }]);
    expect([jobsOf('probe-a', ref).length, jobsOf('probe-c', ref).length]).toEqual([1, 0]);
    expect((await stateOf(processInstanceKey))?.state).toBe('ACTIVE');
    worker.behaviours.delete('probe-b');
  });

  it('when both branches of a parallel gateway complete, then the join passes once and the instance completes', async () => {
    const ref = newRef();
    const { processInstanceKey } = await engine.createInstance('probe-parallel', { ref });
    await completed(processInstanceKey);
    expect([jobsOf('probe-a', ref).length, jobsOf('probe-b', ref).length, jobsOf('probe-c', ref).length]).toEqual([1, 1, 1]);
  });

  it('when a non-interrupting timer cycle R2 elapses three times, then it fires twice and the activity still waits', async () => {
    const ref = newRef();
    const { processInstanceKey } = await engine.createInstance('probe-waits', { ref, pauseFor: 'PT10M' });
    await engine.idle();
    for (let hour = 1; hour <= 3; hour++) {
      clock.pin(Date.now() + hour * 3_600_000 + 1_000);
      await eventually(async () => (jobsOf('probe-remind', ref).length >= Math.min(hour, 2) ? true : undefined), 5_000, 20);
      await engine.idle();
    }
    expect(jobsOf('probe-remind', ref)).toHaveLength(2);
    expect((await stateOf(processInstanceKey))?.state).toBe('ACTIVE');
    expect((await userTasksOf(processInstanceKey)).map((t) => t.state)).toEqual(['CREATED']);
  });

  it('when the answer comes, then the intermediate timer waits its duration, the condition routes, and the terminate end cancels the open user task', async () => {
    const ref = newRef();
    const { processInstanceKey } = await engine.createInstance('probe-waits', { ref, pauseFor: 'PT10M' });
    await engine.idle();
    await engine.publishMessage({ name: 'probe-answer', correlationKey: ref, timeToLiveMs: 0, variables: { answer: 'yes' } });
    await engine.idle();
    expect((await stateOf(processInstanceKey))?.state).toBe('ACTIVE'); // pausing
    clock.pin(Date.now() + 11 * 60_000);
    await completed(processInstanceKey);
    expect((await userTasksOf(processInstanceKey)).map((t) => t.state)).toEqual(['CANCELED']);
    expect(jobsOf('probe-remind', ref)).toHaveLength(0); // the reminder timer left with the receive task
  });

  it('when an interrupting message boundary is correlated, then the receive task is left and the terminate end ends everything', async () => {
    const ref = newRef();
    const { processInstanceKey } = await engine.createInstance('probe-waits', { ref, pauseFor: 'PT10M' });
    await engine.idle();
    await engine.publishMessage({ name: 'probe-cancel', correlationKey: ref, timeToLiveMs: 0, variables: {} });
    await completed(processInstanceKey);
    const { rows } = await database.db.query('SELECT 1 FROM engine.subscriptions WHERE process_instance_key = $1', [processInstanceKey]);
    expect(rows).toEqual([]);
  });

  it('when no condition of an exclusive gateway holds and there is no default, then the token stops there with a CONDITION_ERROR incident', async () => {
    const ref = newRef();
    const { processInstanceKey } = await engine.createInstance('probe-waits', { ref, pauseFor: 'PT1S' });
    await engine.idle();
    await engine.publishMessage({ name: 'probe-answer', correlationKey: ref, timeToLiveMs: 0, variables: { answer: 'no' } });
    clock.pin(Date.now() + 60_000);
    const incidents = await firstIncidents(processInstanceKey);
    expect(incidents).toEqual([{ error_type: 'CONDITION_ERROR', element_id: 'route' }]);
    expect((await stateOf(processInstanceKey))?.state).toBe('ACTIVE');
  });

  it('when a timer duration is not a duration, then the token stops at the catch event with an EXTRACT_VALUE_ERROR incident', async () => {
    const ref = newRef();
    const { processInstanceKey } = await engine.createInstance('probe-waits', { ref, pauseFor: 'soon' });
    await engine.publishMessage({ name: 'probe-answer', correlationKey: ref, timeToLiveMs: 0, variables: { answer: 'yes' } });
    await engine.idle();
    expect(await incidentsOf(processInstanceKey)).toEqual([{ error_type: 'EXTRACT_VALUE_ERROR', element_id: 'pause' }]);
  });

  it('when many instances wait, then only cacheSize stay loaded, and each is loaded back from Postgres when its message comes', async () => {
    const started = [];
    for (let i = 0; i < 12; i++) {
      const ref = newRef();
      started.push({ ref, ...(await engine.createInstance('probe-waits', { ref, pauseFor: 'PT0S' })) });
    }
    await engine.idle();
    expect(engine.loadedInstances()).toBeLessThanOrEqual(2);
    for (const { ref } of started) await engine.publishMessage({ name: 'probe-answer', correlationKey: ref, timeToLiveMs: 0, variables: { answer: 'yes' } });
    for (const { processInstanceKey } of started) await completed(processInstanceKey);
    expect(engine.loadedInstances()).toBeLessThanOrEqual(2);
  });

  it('when the engine restarts on waiting instances, then it loads none of them until something concerns them', async () => {
    const started = [];
    for (let i = 0; i < 5; i++) {
      const ref = newRef();
      started.push({ ref, ...(await engine.createInstance('probe-waits', { ref, pauseFor: 'PT0S' })) });
    }
    await engine.idle();
    await engine.stop();
    engine = await startEngine(100);
    await engine.idle();
    expect(engine.loadedInstances()).toBe(0);
    await engine.publishMessage({ name: 'probe-answer', correlationKey: started[0]!.ref, timeToLiveMs: 0, variables: { answer: 'yes' } });
    await completed(started[0]!.processInstanceKey);
    expect((await stateOf(started[1]!.processInstanceKey))?.state).toBe('ACTIVE');
  });

  it('when a model uses an element the engine cannot run, then reading it fails naming the element', async () => {
    const broken = parallel.xml.replace(
      /<bpmn:parallelGateway id="split">([\s\S]*?)<\/bpmn:parallelGateway>/,
      '<bpmn:inclusiveGateway id="split">$1</bpmn:inclusiveGateway>',
    );
    await expect(readModels(broken)).rejects.toThrow(/bpmn:InclusiveGateway 'split' is not supported/);
  });
});
