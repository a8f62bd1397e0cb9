import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job, outboxOf, postJob, useOrderSeller } from '../../test/support/tv';
import { tvScheduleVisitFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
const now = new Date('2027-01-04T09:00:00Z');
const url = await startFunction('tv-schedule-visit', tvScheduleVisitFunction({ db, logger: memoryLogger(), clock: () => now }));

const visitsOf = async (orderId: string) =>
  (await db.query('SELECT id, status, due_by, process_instance_key, technician_subject FROM tv.visits WHERE service_order_id = $1', [orderId])).rows;

describe('tv-schedule-visit', () => {
  it('when the job arrives for an active order, then a scheduled visit due by now + SLA is opened, announced, and its id returned', async () => {
    const order = await sell();
    const j = job('tv-schedule-visit', { orderId: order.id, slaDuration: 'P5D', country: 'ES' });
    const answer = await postJob(url, j);
    expect(answer.status).toBe(200);
    const visitId = (answer.body.variables as { visitId: string }).visitId;
    expect(await visitsOf(order.id)).toEqual([
      { id: visitId, status: 'scheduled', due_by: new Date('2027-01-09T09:00:00Z'), process_instance_key: j.processInstanceKey, technician_subject: null },
    ]);
    const events = (await outboxOf(db, order.id)).filter((e) => e.type === 'ahs.tv.visit.scheduled');
    expect(events).toEqual([
      {
        type: 'ahs.tv.visit.scheduled',
        partition_key: order.id,
        data: { visitId, serviceOrderId: order.id, countryCode: 'ES', dueBy: '2027-01-09T09:00:00.000Z' },
      },
    ]);
  });

  it('when the same job is delivered again, then the first answer is repeated and nothing else is written', async () => {
    const order = await sell();
    const j = job('tv-schedule-visit', { orderId: order.id, slaDuration: 'P5D' });
    const first = await postJob(url, j);
    expect(await postJob(url, j)).toEqual(first);
    expect(await visitsOf(order.id)).toHaveLength(1);
    expect((await outboxOf(db, order.id)).filter((e) => e.type === 'ahs.tv.visit.scheduled')).toHaveLength(1);
  });

  it('when a second job (new key) comes for the same instance or the same order, then the existing visit id is returned', async () => {
    const order = await sell();
    const first = await postJob(url, job('tv-schedule-visit', { orderId: order.id, slaDuration: 'P5D' }));
    const visitId = (first.body.variables as { visitId: string }).visitId;
    const again = await postJob(url, job('tv-schedule-visit', { orderId: order.id, slaDuration: 'P5D' }));
    expect(again).toMatchObject({ status: 200, body: { variables: { visitId } } });
    expect(await visitsOf(order.id)).toHaveLength(1);
  });

  it('when the order is cancelled, then the BPMN error ORDER_NOT_ACTIVE and no visit', async () => {
    const order = await sell('pyxis-created', true);
    const answer = await postJob(url, job('tv-schedule-visit', { orderId: order.id, slaDuration: 'P5D' }));
    expect(answer).toMatchObject({ status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE' } });
    expect(await visitsOf(order.id)).toEqual([]);
  });

  it('when the variables are wrong (no SLA duration), then 400 naming the variable: an incident', async () => {
    const order = await sell();
    const answer = await postJob(url, job('tv-schedule-visit', { orderId: order.id, slaDuration: '5 days' }));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'variables.slaDuration' })]);
  });
});
