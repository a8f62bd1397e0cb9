import { describe, expect, it } from 'vitest';
import { LYON, MADRID, SUBJECT, startOperatorTasksHarness } from './testing';

const { fake, call, logger } = await startOperatorTasksHarness();

describe('operator-tasks POST /tasks/:key/claim', () => {
  it('when an operator claims an open task, then it is assigned to them without override', async () => {
    const key = fake.addTask(MADRID);
    const answer = await call('POST', `/tasks/${key}/claim`, 'operator-es');
    expect(answer).toMatchObject({ status: 200, body: { key, assignee: SUBJECT['operator-es'] } });
    expect(fake.tasks.get(key)?.assignee).toBe(SUBJECT['operator-es']);
    expect(fake.calls).toContainEqual({ method: 'userTasks.assign', args: [key, SUBJECT['operator-es'], { allowOverride: false }] });
  });

  it('when the caller claims their own claimed task again, then 200 and the engine is not asked again', async () => {
    const key = fake.addTask(LYON);
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-fr')).status).toBe(200);
    const assigns = fake.calls.filter((c) => c.method === 'userTasks.assign').length;
    expect(await call('POST', `/tasks/${key}/claim`, 'operator-fr')).toMatchObject({ status: 200, body: { assignee: SUBJECT['operator-fr'] } });
    expect(fake.calls.filter((c) => c.method === 'userTasks.assign')).toHaveLength(assigns);
  });

  it('when the task is claimed by someone else, then 409 naming the assignee, and it stays theirs', async () => {
    const key = fake.addTask(LYON);
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-fr-rhone')).status).toBe(200);
    const answer = await call('POST', `/tasks/${key}/claim`, 'operator-fr');
    expect(answer).toMatchObject({
      status: 409,
      body: { error: 'conflict', reason: 'task-claimed', message: `user task ${key} is claimed by ${SUBJECT['operator-fr-rhone']}` },
    });
    expect(fake.tasks.get(key)?.assignee).toBe(SUBJECT['operator-fr-rhone']);
  });

  it("when another user claims it between the read and the assignment, then the engine's refusal is 409 naming them", async () => {
    const key = fake.addTask(LYON);
    fake.raceBefore('assign', (task) => {
      task.assignee = SUBJECT['operator-fr-rhone'];
    });
    const answer = await call('POST', `/tasks/${key}/claim`, 'operator-fr');
    expect(answer).toMatchObject({ status: 409, body: { reason: 'task-claimed', message: expect.stringContaining(SUBJECT['operator-fr-rhone']) as unknown } });
  });

  it('when the task is already completed, then 409', async () => {
    const key = fake.addTask(MADRID, { state: 'COMPLETED' });
    expect(await call('POST', `/tasks/${key}/claim`, 'operator-es')).toMatchObject({ status: 409, body: { reason: 'task-not-open' } });
  });

  it('when the key is unknown, then 404', async () => {
    expect((await call('POST', '/tasks/4503599627370495/claim', 'operator-es')).status).toBe(404);
  });
});

describe('operator-tasks POST /tasks/:key/unclaim', () => {
  it('when the assignee releases the task, then it has no assignee and another operator can claim it', async () => {
    const key = fake.addTask(LYON);
    await call('POST', `/tasks/${key}/claim`, 'operator-fr');
    expect(await call('POST', `/tasks/${key}/unclaim`, 'operator-fr')).toMatchObject({ status: 200, body: { key, assignee: null } });
    expect(fake.tasks.get(key)?.assignee).toBeUndefined();
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-fr-rhone')).status).toBe(200);
  });

  it('when another operator releases it, then 403; an admin may', async () => {
    const key = fake.addTask(LYON);
    await call('POST', `/tasks/${key}/claim`, 'operator-fr-rhone');
    expect(await call('POST', `/tasks/${key}/unclaim`, 'operator-fr')).toMatchObject({ status: 403 });
    expect(fake.tasks.get(key)?.assignee).toBe(SUBJECT['operator-fr-rhone']);
    expect((await call('POST', `/tasks/${key}/unclaim`, 'admin')).status).toBe(200);
    expect(fake.tasks.get(key)?.assignee).toBeUndefined();
  });

  it('when the task is not claimed, then 200 (nothing to release)', async () => {
    const key = fake.addTask(MADRID);
    expect(await call('POST', `/tasks/${key}/unclaim`, 'operator-es')).toMatchObject({ status: 200, body: { assignee: null } });
  });
});

describe('operator-tasks POST /tasks/:key/complete', () => {
  it('when the assignee completes with variables, then the engine completes it with them', async () => {
    const key = fake.addTask(MADRID);
    await call('POST', `/tasks/${key}/claim`, 'operator-es');
    const variables = { chaseOutcome: 'CUSTOMER_REACHED', note: { text: 'calls back Monday', attempts: 2, flags: [true, null] } };
    expect(await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables })).toMatchObject({ status: 200, body: { key, state: 'COMPLETED' } });
    expect(fake.calls).toContainEqual({ method: 'userTasks.complete', args: [key, { ...variables, completedBy: SUBJECT['operator-es'] }] });
    expect(fake.tasks.get(key)?.state).toBe('COMPLETED');
  });

  it('when completed without a body, then it completes with no variables', async () => {
    const key = fake.addTask(MADRID);
    await call('POST', `/tasks/${key}/claim`, 'operator-es');
    expect((await call('POST', `/tasks/${key}/complete`, 'operator-es')).status).toBe(200);
    expect(fake.calls).toContainEqual({ method: 'userTasks.complete', args: [key, { completedBy: SUBJECT['operator-es'] }] });
  });

  it('when nobody claimed the task, then 409 "claim it first"', async () => {
    const key = fake.addTask(MADRID);
    expect(await call('POST', `/tasks/${key}/complete`, 'operator-es')).toMatchObject({
      status: 409,
      body: { reason: 'task-not-claimed', message: expect.stringContaining('claim it first') as unknown },
    });
    expect(fake.tasks.get(key)?.state).toBe('CREATED');
  });

  it('when someone else claimed it, then 403 naming them, and the task stays open', async () => {
    const key = fake.addTask(LYON);
    await call('POST', `/tasks/${key}/claim`, 'operator-fr-rhone');
    expect(await call('POST', `/tasks/${key}/complete`, 'operator-fr')).toMatchObject({
      status: 403,
      body: { error: 'forbidden', message: expect.stringContaining(SUBJECT['operator-fr-rhone']) as unknown },
    });
    expect(fake.tasks.get(key)?.state).toBe('CREATED');
  });

  it('when the task is already completed, then 409', async () => {
    const key = fake.addTask(MADRID);
    await call('POST', `/tasks/${key}/claim`, 'operator-es');
    expect((await call('POST', `/tasks/${key}/complete`, 'operator-es')).status).toBe(200);
    expect(await call('POST', `/tasks/${key}/complete`, 'operator-es')).toMatchObject({
      status: 409,
      body: { reason: 'task-not-open', message: `user task ${key} is already completed` },
    });
  });

  it('when the task ends between the read and the completion (the engine answers 404), then 409', async () => {
    const key = fake.addTask(MADRID);
    await call('POST', `/tasks/${key}/claim`, 'operator-es');
    fake.raceBefore('complete', (task) => {
      task.state = 'CANCELED';
    });
    expect(await call('POST', `/tasks/${key}/complete`, 'operator-es')).toMatchObject({ status: 409, body: { reason: 'task-not-open' } });
  });

  it.each([
    ['variables is an array', { variables: [1, 2] }, 'variables'],
    ['variables is a string', { variables: 'done' }, 'variables'],
    ['the body has a field other than variables', { variables: {}, extra: 1 }, '(root)'],
    ['a variable name is not a name', { variables: { 'not a name': 1 } }, 'variables.not a name'],
    ['a variable sets the tenant (country)', { variables: { country: 'ES' } }, 'variables.country'],
    ['a variable sets the store', { variables: { store: 'FR-LYS-0318' } }, 'variables.store'],
    ['the variables are larger than 32 KiB', { variables: { blob: 'x'.repeat(33 * 1024) } }, 'variables'],
  ])('when %s, then 400 naming the field and nothing is completed', async (_case, body, field) => {
    const key = fake.addTask(MADRID);
    await call('POST', `/tasks/${key}/claim`, 'operator-es');
    const answer = await call('POST', `/tasks/${key}/complete`, 'operator-es', body);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(fake.tasks.get(key)?.state).toBe('CREATED');
  });

  it('when a task is completed, then its variables do not reach the logs', async () => {
    const key = fake.addTask(MADRID);
    await call('POST', `/tasks/${key}/claim`, 'operator-es');
    await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables: { customerPhone: '+34600111222' } });
    await call('GET', `/tasks/${key}`, 'operator-es');
    expect(JSON.stringify(logger.lines)).not.toContain('+34600111222');
  });
});

describe('operator-tasks and the dispatch funnel\'s "Dispatch by hand"', () => {
  const dispatchTask = { name: 'Dispatch by hand', elementId: 'dispatch-by-hand', processDefinitionId: 'assignment' };

  it('when an FR operator tries to dispatch a Madrid order by hand, then 404 for reading, claiming and completing, and the task is untouched', async () => {
    const key = fake.addTask(MADRID, dispatchTask);
    expect((await call('GET', `/tasks/${key}`, 'operator-fr')).status).toBe(404);
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-fr')).status).toBe(404);
    expect((await call('POST', `/tasks/${key}/complete`, 'operator-fr', { variables: { providerId: '33333333-3333-4333-8333-333333333333' } })).status).toBe(
      404,
    );
    expect(fake.tasks.get(key)).toMatchObject({ state: 'CREATED' });
    expect(fake.tasks.get(key)?.assignee).toBeUndefined();
  });

  it('when the ES operator claims it and completes it with a provider, then the funnel gets the providerId', async () => {
    const key = fake.addTask(MADRID, dispatchTask);
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-es')).status).toBe(200);
    const providerId = '22222222-2222-4222-8222-222222222222';
    expect((await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables: { providerId } })).status).toBe(200);
    expect(fake.calls).toContainEqual({ method: 'userTasks.complete', args: [key, { providerId, completedBy: SUBJECT['operator-es'] }] });
  });

  it('when the completion would set a variable the task does not take (one the workflow reads), then 400 naming it and the task stays open', async () => {
    const key = fake.addTask(MADRID, dispatchTask);
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-es')).status).toBe(200);
    expect(
      await call('POST', `/tasks/${key}/complete`, 'operator-es', {
        variables: { providerId: '22222222-2222-4222-8222-222222222222', offerOutcome: 'offered' },
      }),
    ).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'variables.offerOutcome' }] },
    });
    expect(fake.tasks.get(key)).toMatchObject({ state: 'CREATED' });
    expect(fake.calls.some((c) => c.method === 'userTasks.complete' && c.args[0] === key)).toBe(false);
  });

  it("when a contract decision is not one the model branches on, or paper comes without the scan's id, then 400 naming the variable and the task stays open", async () => {
    const key = fake.addTask(MADRID, {
      elementId: 'follow-up-contract',
      name: 'Call the customer: re-send, paper or cancel',
      processDefinitionId: 'service-order-contract',
    });
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-es')).status).toBe(200);
    expect(await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables: { decision: 'resnd' } })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'variables.decision' }] },
    });
    expect(await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables: { decision: 'paper' } })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'variables.paperScanDocumentId' }] },
    });
    expect(fake.tasks.get(key)).toMatchObject({ state: 'CREATED' });
    expect((await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables: { decision: 'resend', note: 'new link by email' } })).status).toBe(200);
  });
});

describe('operator-tasks: refund approvals of a claim', () => {
  // EUR 8,000.00 refund in Spain: the BU manager approves up to 5,000.00, the country director above.
  const limits = { refundAmountMinor: 800_000, currency: 'EUR', operatorRefundLimitMinor: 50_000, buManagerRefundLimitMinor: 500_000 };
  const approvalTask = (elementId: 'approve-refund-bu' | 'approve-refund-country') => ({
    elementId,
    name: 'Approve the refund',
    processDefinitionId: 'claim',
    candidateGroups: elementId === 'approve-refund-bu' ? ['operators', 'country:ES', 'bu:ES-CENTRO'] : ['operators', 'country:ES'],
  });

  it('when a plain operator completes the BU approval, then 403 naming their limit and the refund, and the task stays open', async () => {
    const key = fake.addTask(MADRID, approvalTask('approve-refund-bu'), limits);
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-es')).status).toBe(200);
    const answer = await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables: { approved: true } });
    expect(answer).toMatchObject({ status: 403 });
    expect((answer.body as { message: string }).message).toBe(
      'the refund of 8000.00 EUR is above your approval limit of 500.00 EUR (operator): it takes a bu-manager',
    );
    expect(fake.tasks.get(key)?.state).toBe('CREATED');
  });

  it("when someone below the country director completes the country's approval, then 403 naming their limit; a one-BU manager does not even see it (404)", async () => {
    const key = fake.addTask(MADRID, approvalTask('approve-refund-country'), limits);
    expect((await call('POST', `/tasks/${key}/claim`, 'bu-manager-es')).status).toBe(404);
    expect((await call('POST', `/tasks/${key}/claim`, 'operator-es')).status).toBe(200);
    const answer = await call('POST', `/tasks/${key}/complete`, 'operator-es', { variables: { approved: true } });
    expect(answer).toMatchObject({
      status: 403,
      body: { message: 'the refund of 8000.00 EUR is above your approval limit of 500.00 EUR (operator): it takes a country-director' },
    });
    expect(fake.tasks.get(key)?.state).toBe('CREATED');
  });

  it('when the BU manager approves their step and the country director theirs, then both complete, each with who completed it', async () => {
    const bu = fake.addTask(MADRID, approvalTask('approve-refund-bu'), limits);
    await call('POST', `/tasks/${bu}/claim`, 'bu-manager-es');
    expect((await call('POST', `/tasks/${bu}/complete`, 'bu-manager-es', { variables: { approved: true } })).status).toBe(200);
    expect(fake.calls).toContainEqual({ method: 'userTasks.complete', args: [bu, { approved: true, completedBy: SUBJECT['bu-manager-es'] }] });
    const country = fake.addTask(MADRID, approvalTask('approve-refund-country'), limits);
    await call('POST', `/tasks/${country}/claim`, 'country-director-es');
    expect((await call('POST', `/tasks/${country}/complete`, 'country-director-es', { variables: { approved: true } })).status).toBe(200);
  });

  it('when an approver refuses without a comment, then 400 naming the comment', async () => {
    const key = fake.addTask(MADRID, approvalTask('approve-refund-bu'), limits);
    await call('POST', `/tasks/${key}/claim`, 'bu-manager-es');
    expect(await call('POST', `/tasks/${key}/complete`, 'bu-manager-es', { variables: { approved: false } })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'variables.comment' }] },
    });
  });
});
