import { describe, expect, it } from 'vitest';
import { LYON, MADRID, MILAN, PARIS, startOperatorTasksHarness, type Json } from './testing';

const { fake, call } = await startOperatorTasksHarness();

const incidents = {
  madrid: fake.addIncident(fake.startInstance(MADRID)),
  lyon: fake.addIncident(fake.startInstance(LYON), { errorType: 'UNHANDLED_ERROR_EVENT', errorMessage: 'no catch for tv-refused' }),
  paris: fake.addIncident(fake.startInstance(PARIS)),
  milan: fake.addIncident(fake.startInstance(MILAN)),
  resolved: fake.addIncident(fake.startInstance(MADRID), { state: 'RESOLVED' }),
  // An instance that never got its tenant variables (e.g. failed on its first step).
  unplaced: fake.addIncident('2251799813000001'),
};

async function keys(user: Parameters<typeof call>[2], query = '') {
  const answer = await call('GET', `/incidents${query}`, user);
  expect(answer.status).toBe(200);
  return (answer.body.items as Json[]).map((i) => i.key as string);
}

describe('operator-tasks GET /incidents', () => {
  it('when operator-es lists, then only the active incidents of ES instances are there', async () => {
    expect(await keys('operator-es')).toEqual([incidents.madrid]);
  });

  it('when operator-fr lists, then both FR business units; operator-fr-rhone, Rhône-Alpes only', async () => {
    expect(await keys('operator-fr')).toEqual([incidents.lyon, incidents.paris]);
    expect(await keys('operator-fr-rhone')).toEqual([incidents.lyon]);
  });

  it("when admin lists, then every active incident, an unplaced instance's included", async () => {
    expect(await keys('admin')).toEqual([incidents.madrid, incidents.lyon, incidents.paris, incidents.milan, incidents.unplaced]);
  });

  it('when state=RESOLVED, then resolved incidents only', async () => {
    expect(await keys('operator-es', '?state=RESOLVED')).toEqual([incidents.resolved]);
  });

  it("when an incident is listed, then it carries its error, element, instance and the instance's scope", async () => {
    const answer = await call('GET', '/incidents', 'operator-fr-rhone');
    expect(answer.body.items).toEqual([
      {
        key: incidents.lyon,
        state: 'ACTIVE',
        process: 'technical-visit',
        processInstanceKey: expect.stringMatching(/^\d+$/) as unknown,
        element: 'schedule-visit',
        errorType: 'UNHANDLED_ERROR_EVENT',
        errorMessage: 'no catch for tv-refused',
        created: expect.stringMatching(/^2026-11-28T11:/) as unknown,
        jobKey: expect.stringMatching(/^\d+$/) as unknown,
        scope: LYON,
      },
    ]);
  });

  it('when a scoped operator lists, then only the instance variables that place it are read', async () => {
    fake.calls.length = 0;
    await keys('operator-es');
    const read = fake.calls.filter((c) => c.method === 'incidents.processVariables').map((c) => c.args[1]);
    expect(read.length).toBeGreaterThan(0);
    for (const names of read) expect(names).toEqual(['country', 'businessUnit', 'store']);
  });

  it.each([
    ['state=OPEN', 'query.state'],
    ['limit=0', 'query.limit'],
  ])('when %s, then 400 names %s', async (query, field) => {
    const answer = await call('GET', `/incidents?${query}`, 'operator-es');
    expect(answer).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ field })] } });
  });

  it('when the task key is of an incident, then it is not a task (404)', async () => {
    expect((await call('GET', `/tasks/${incidents.madrid}`, 'admin')).status).toBe(404);
  });
});
