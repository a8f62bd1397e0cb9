import { describe, expect, it } from 'vitest';
import { LYON, MADRID, MILAN, PARIS, SUBJECT, WARSAW, startOperatorTasksHarness, type Json } from './testing';

const { fake, call, listKeys } = await startOperatorTasksHarness();

describe('operator-tasks GET /tasks', () => {
  it("when each country operator lists, then only that country's open tasks are there", async () => {
    const tasks = { es: fake.addTask(MADRID), fr: fake.addTask(LYON), it: fake.addTask(MILAN), pl: fake.addTask(WARSAW) };
    const lists = {
      es: await listKeys('operator-es'),
      fr: await listKeys('operator-fr'),
      it: await listKeys('operator-it'),
      pl: await listKeys('operator-pl'),
    };
    for (const [country, keys] of Object.entries(lists)) {
      for (const [other, key] of Object.entries(tasks)) {
        if (other === country) expect(keys).toContain(key);
        else expect(keys).not.toContain(key);
      }
    }
  });

  it("when a country operator lists, then the search asks for that country's candidate group", async () => {
    fake.calls.length = 0;
    await listKeys('operator-es');
    expect(fake.calls).toEqual([{ method: 'userTasks.search', args: [{ state: 'CREATED', candidateGroup: 'country:ES', limit: 50 }] }]);
  });

  it("when a list asks for one process instance's tasks, then only those, still within the caller's tenant; a key that is not one is 400", async () => {
    const mine = fake.addTask(MADRID);
    const instance = fake.tasks.get(mine)!.processInstanceKey;
    fake.addTask(MADRID);
    const answer = await call('GET', `/tasks?processInstanceKey=${instance}`, 'operator-es');
    expect((answer.body.items as Json[]).map((t) => t.key)).toEqual([mine]);
    expect(((await call('GET', `/tasks?processInstanceKey=${instance}`, 'operator-fr')).body.items as Json[]).length).toBe(0);
    expect(await call('GET', '/tasks?processInstanceKey=claim-1', 'operator-es')).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'query.processInstanceKey' }] },
    });
  });

  it('when operator-fr-rhone lists, then tasks of Rhône-Alpes are there and none of another FR business unit', async () => {
    const lyon = fake.addTask(LYON);
    const paris = fake.addTask(PARIS);
    const keys = await listKeys('operator-fr-rhone');
    expect(keys).toContain(lyon);
    expect(keys).not.toContain(paris);
    expect(await listKeys('operator-fr')).toEqual(expect.arrayContaining([lyon, paris]));
  });

  it('when admin lists, then tasks of every country are there', async () => {
    const keys = [fake.addTask(MADRID), fake.addTask(PARIS), fake.addTask(MILAN), fake.addTask(WARSAW)];
    expect(await listKeys('admin', '?limit=100')).toEqual(expect.arrayContaining(keys));
  });

  it('when a task is not for operators, then nobody sees it here, not even an admin', async () => {
    const other = fake.addTask(MADRID, { candidateGroups: ['approvers', 'country:ES', 'bu:ES-CENTRO', 'store:ES-MAD-0042'] });
    expect(await listKeys('operator-es', '?limit=100')).not.toContain(other);
    expect(await listKeys('admin', '?limit=100')).not.toContain(other);
    expect((await call('GET', `/tasks/${other}`, 'admin')).status).toBe(404);
  });

  it('when a task is listed, then it carries its name, process, element, dates, priority, assignee and scope', async () => {
    const key = fake.addTask(MADRID, { dueDate: '2026-12-01T09:00:00.000Z' });
    const answer = await call('GET', '/tasks?limit=100', 'operator-es');
    const item = (answer.body.items as Json[]).find((i) => i.key === key);
    expect(item).toEqual({
      key,
      name: 'Chase overdue technical visit',
      state: 'CREATED',
      process: 'technical-visit',
      processInstanceKey: expect.stringMatching(/^\d+$/) as unknown,
      element: 'chase-overdue-visit',
      created: expect.stringMatching(/^2026-11-28T/) as unknown,
      due: '2026-12-01T09:00:00.000Z',
      priority: 75,
      assignee: null,
      scope: { country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' },
    });
  });

  it("when assignee=me, then only the caller's claimed tasks are listed; assignee=<subject> lists that user's", async () => {
    const mine = fake.addTask(MADRID);
    const free = fake.addTask(MADRID);
    expect((await call('POST', `/tasks/${mine}/claim`, 'operator-es')).status).toBe(200);
    expect(await listKeys('operator-es', '?assignee=me')).toEqual([mine]);
    expect(await listKeys('admin', `?assignee=${SUBJECT['operator-es']}`)).toEqual([mine]);
    expect(await listKeys('operator-es', '?limit=100')).toEqual(expect.arrayContaining([mine, free]));
  });

  it('when a task is completed, then it is gone from the CREATED list and found with state=COMPLETED', async () => {
    const key = fake.addTask(MILAN);
    await call('POST', `/tasks/${key}/claim`, 'operator-it');
    expect((await call('POST', `/tasks/${key}/complete`, 'operator-it')).status).toBe(200);
    expect(await listKeys('operator-it', '?limit=100')).not.toContain(key);
    expect(await listKeys('operator-it', '?state=COMPLETED')).toContain(key);
  });

  it('when limit=2, then at most two tasks, oldest first', async () => {
    const keys = [fake.addTask(WARSAW), fake.addTask(WARSAW), fake.addTask(WARSAW)];
    const listed = await listKeys('operator-pl', '?limit=2');
    expect(listed).toHaveLength(2);
    const all = await listKeys('operator-pl', '?limit=100');
    expect(listed).toEqual(all.slice(0, 2));
    expect(all).toEqual(expect.arrayContaining(keys));
  });

  it.each([
    ['state=OPEN', 'query.state'],
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=many', 'query.limit'],
    ['assignee=', 'query.assignee'],
  ])('when %s, then 400 names %s', async (query, field) => {
    const answer = await call('GET', `/tasks?${query}`, 'operator-es');
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});

describe('operator-tasks GET /tasks/:key', () => {
  it('when an operator reads a task of their country, then 200 with the task and its variables', async () => {
    const key = fake.addTask(MADRID, {}, { orderId: 'order-1', visitDueAt: '2026-11-27' });
    const answer = await call('GET', `/tasks/${key}`, 'operator-es');
    expect(answer).toMatchObject({
      status: 200,
      body: { key, scope: MADRID, variables: { orderId: 'order-1', visitDueAt: '2026-11-27', country: 'ES', businessUnit: 'ES-CENTRO' } },
    });
  });

  it('when the key is unknown, then 404', async () => {
    expect(await call('GET', '/tasks/4503599627370495', 'operator-es')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('when the key is not a number, then 400 naming params.key', async () => {
    const answer = await call('GET', '/tasks/abc', 'operator-es');
    expect(answer).toMatchObject({ status: 400, body: { issues: [{ field: 'params.key' }] } });
  });
});

describe('operator-tasks authorization', () => {
  it('when operator-fr reads, claims or completes an ES task, then 404 each time, and the task is untouched', async () => {
    const key = fake.addTask(MADRID);
    const answers = [
      await call('GET', `/tasks/${key}`, 'operator-fr'),
      await call('POST', `/tasks/${key}/claim`, 'operator-fr'),
      await call('POST', `/tasks/${key}/unclaim`, 'operator-fr'),
      await call('POST', `/tasks/${key}/complete`, 'operator-fr'),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ status: 404, body: { error: 'not_found' } });
    // Same answer as an unknown key: nothing tells the caller the task exists.
    expect(answers[0]!.body.message).toBe(`user task ${key} not found`);
    expect(fake.tasks.get(key)).toMatchObject({ state: 'CREATED' });
    expect(fake.tasks.get(key)?.assignee).toBeUndefined();
  });

  it('when operator-fr-rhone reads or claims a task of another FR business unit, then 404', async () => {
    const paris = fake.addTask(PARIS);
    expect((await call('GET', `/tasks/${paris}`, 'operator-fr-rhone')).status).toBe(404);
    expect((await call('POST', `/tasks/${paris}/claim`, 'operator-fr-rhone')).status).toBe(404);
    expect((await call('GET', `/tasks/${paris}`, 'operator-fr')).status).toBe(200);
  });

  it('when a technician or a provider admin calls, then 403 on every route', async () => {
    const key = fake.addTask(MADRID);
    for (const user of ['technician', 'provider-admin'] as const) {
      for (const [method, path] of [
        ['GET', '/tasks'],
        ['GET', `/tasks/${key}`],
        ['POST', `/tasks/${key}/claim`],
        ['POST', `/tasks/${key}/complete`],
        ['GET', '/incidents'],
      ] as const) {
        expect(await call(method, path, user)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      }
    }
    expect(fake.tasks.get(key)?.assignee).toBeUndefined();
  });

  it('when there is no token, then 401', async () => {
    const key = fake.addTask(MADRID);
    for (const [method, path] of [
      ['GET', '/tasks'],
      ['GET', `/tasks/${key}`],
      ['POST', `/tasks/${key}/claim`],
      ['GET', '/incidents'],
    ] as const) {
      expect(await call(method, path)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    }
  });
});
