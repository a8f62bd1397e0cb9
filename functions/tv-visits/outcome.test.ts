import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { outboxOf, seedVisit } from '../../test/support/tv';
import { startTvVisitsHarness } from './testing';

const { db, identity, sell, logger, call, messagesFor } = await startTvVisitsHarness();

const adjustments = {
  lines: [
    { lineNo: 2, serviceProductCode: 'WORKTOP_INSTALL', change: 'modify', quantity: 2, description: 'Two worktop sections instead of one' },
    { change: 'add', description: 'Extra socket behind the hob', quantity: 1 },
  ],
  extraCost: { amountMinor: 18500, currency: 'EUR' },
};

/** An ES order whose pending visit is assigned to the dev technician (tech-0001). */
async function assignedVisit(technician = 'tech-0001') {
  const order = await sell();
  const visitId = await seedVisit(db, order.id, { technician, providerId: DEV_PROVIDER_ID });
  return { orderId: order.id, visitId };
}
const record = async (orderId: string, body: unknown, user: 'technician' | 'operator-es' = 'technician', idempotencyKey?: string) =>
  call('POST', `/orders/${orderId}/visit/outcome`, await identity.bearer(user), body, idempotencyKey);
const visitRow = async (id: string) =>
  (await db.query('SELECT status, outcome, notes, recorded_by FROM tv.visits WHERE id = $1', [id])).rows[0] as Record<string, unknown>;

describe('tv-visits POST /orders/:orderId/visit/outcome', () => {
  it('when the assigned technician records YES, then the visit is completed, announced, and the workflow message requested in the same transaction', async () => {
    const { orderId, visitId } = await assignedVisit();
    const answer = await record(orderId, { outcome: 'YES', notes: 'Site ready' });
    expect(answer).toMatchObject({ status: 200, body: { visitId, status: 'completed', outcome: { outcome: 'YES', recordedBy: 'tech-0001' } } });
    expect(await visitRow(visitId)).toEqual({ status: 'completed', outcome: 'YES', notes: 'Site ready', recorded_by: 'tech-0001' });
    const events = (await outboxOf(db, orderId)).filter((e) => e.type === 'ahs.tv.visit.completed');
    expect(events).toEqual([
      {
        type: 'ahs.tv.visit.completed',
        partition_key: orderId,
        data: expect.objectContaining({ visitId, serviceOrderId: orderId, outcome: 'YES', adjustments: null }) as unknown,
      },
    ]);
    expect(await messagesFor(orderId)).toEqual([
      { name: 'tv-outcome-recorded', correlationKey: orderId, messageId: `tv-outcome:${visitId}`, variables: { outcome: 'YES', visitId } },
    ]);
    expect(JSON.stringify(events)).not.toContain('Site ready');
  });

  it('when the technician records YES_BUT with adjustments, then they are stored and carried by the event', async () => {
    const { orderId, visitId } = await assignedVisit();
    expect((await record(orderId, { outcome: 'YES_BUT', adjustments })).status).toBe(200);
    const {
      rows: [row],
    } = await db.query('SELECT lines, extra_cost_minor, currency, answer_deadline, customer_answer FROM tv.adjustments WHERE visit_id = $1', [visitId]);
    expect(row).toEqual({ lines: adjustments.lines, extra_cost_minor: '18500', currency: 'EUR', answer_deadline: null, customer_answer: null });
    const [event] = (await outboxOf(db, orderId)).filter((e) => e.type === 'ahs.tv.visit.completed');
    expect(event?.data).toMatchObject({ outcome: 'YES_BUT', adjustments });
    expect((await messagesFor(orderId))[0]?.variables).toEqual({ outcome: 'YES_BUT', visitId });
  });

  it.each([
    ['YES_BUT without adjustments', { outcome: 'YES_BUT' }, 'adjustments'],
    ['NO with adjustments', { outcome: 'NO', adjustments }, 'adjustments'],
    ['an unknown outcome', { outcome: 'MAYBE' }, 'outcome'],
    ['adjustments without lines', { outcome: 'YES_BUT', adjustments: { ...adjustments, lines: [] } }, 'adjustments.lines'],
  ])('when the body is %s, then 400 naming the field and nothing changes', async (_case, body, field) => {
    const { orderId, visitId } = await assignedVisit();
    const answer = await record(orderId, body);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
    expect((await visitRow(visitId)).status).toBe('scheduled');
    expect(await messagesFor(orderId)).toEqual([]);
  });

  it('when a technician who is not the assigned one records, then 404; an operator, then 403', async () => {
    const { orderId, visitId } = await assignedVisit('tech-0002');
    expect(await record(orderId, { outcome: 'YES' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await record(orderId, { outcome: 'YES' }, 'operator-es')).status).toBe(403);
    expect((await visitRow(visitId)).status).toBe('scheduled');
  });

  it('when the order has no technical visit at all, then 409 no-pending-visit; an unknown order, then 404', async () => {
    const order = await sell();
    // Another provider's order says nothing about itself: 404.
    expect(await record(order.id, { outcome: 'YES' })).toMatchObject({ status: 404 });
    await db.query('UPDATE orders.service_orders SET provider_id = $2 WHERE id = $1', [order.id, DEV_PROVIDER_ID]);
    expect(await record(order.id, { outcome: 'YES' })).toMatchObject({ status: 409, body: { reason: 'no-pending-visit' } });
    expect((await record('00000000-0000-4000-8000-000000000000', { outcome: 'YES' })).status).toBe(404);
    expect(await messagesFor(order.id)).toEqual([]);
  });

  it('when the app retries with the same Idempotency-Key, then it gets the first answer and nothing is done twice', async () => {
    const { orderId } = await assignedVisit();
    const first = await record(orderId, { outcome: 'YES' }, 'technician', 'app-retry-0001');
    const again = await record(orderId, { outcome: 'YES' }, 'technician', 'app-retry-0001');
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    expect(await messagesFor(orderId)).toHaveLength(1);
    expect((await outboxOf(db, orderId)).filter((e) => e.type === 'ahs.tv.visit.completed')).toHaveLength(1);
  });

  it('when the outcome is recorded again after success with a new key, then 409 no-pending-visit and nothing is published twice', async () => {
    const { orderId } = await assignedVisit();
    expect((await record(orderId, { outcome: 'NO' })).status).toBe(200);
    expect(await record(orderId, { outcome: 'NO' })).toMatchObject({ status: 409, body: { error: 'conflict', reason: 'no-pending-visit' } });
    expect(await messagesFor(orderId)).toHaveLength(1);
  });

  it('when a request is handled, then its log lines carry neither the notes nor the token', async () => {
    const { orderId } = await assignedVisit();
    await record(orderId, { outcome: 'YES', notes: 'Code portail 4711, clé chez la voisine' });
    const text = JSON.stringify(logger.lines);
    expect(text).not.toContain('4711');
    expect(text).not.toMatch(/eyJ/);
  });
});
