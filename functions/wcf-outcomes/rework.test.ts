import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { seedRework } from '../../test/support/wcf';
import { startOutcomesHarness } from './testing';

const h = await startOutcomesHarness();
const { db } = h;
const NOW = new Date('2027-03-05T10:00:00Z');
const DAY = 86_400_000;
h.setNow(NOW);

const reservesOf = async (formId: string) =>
  (
    await db.query<{ seq: number; origin: string; description: string; location: string; rework_id: string | null }>(
      'SELECT seq, origin, description, location, rework_id FROM wcf.reserves WHERE form_id = $1 ORDER BY seq',
      [formId],
    )
  ).rows;
const roundsOf = async (orderId: string) =>
  (await db.query('SELECT id, round, origin, provider_id, deadline, status FROM wcf.reworks WHERE service_order_id = $1', [orderId])).rows;

describe('wcf-outcomes: findings and re-work rounds', () => {
  it('when an investigation found what to redo, then each item is a reserve numbered after the last, recorded once', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'rejected' } });
    await h.addReserves(order.id, formId, 1);
    const items = [
      { description: 'Door misaligned', location: 'Kitchen, left unit' },
      { description: 'Gap under worktop 1', location: 'Kitchen' },
      { description: 'Door misaligned', location: 'Kitchen, left unit' },
    ];
    const record = () => h.run('wcf-record-findings', { orderId: order.id, formId, reworkItems: items }, processInstanceKey);
    expect(await record()).toEqual({ status: 200, body: { variables: {} } });
    expect((await record()).status).toBe(200);
    expect((await reservesOf(formId)).map((r) => [r.seq, r.origin, r.description])).toEqual([
      [1, 'customer', 'Gap under worktop 1'],
      [2, 'investigation', 'Door misaligned'],
      [3, 'investigation', 'Door misaligned'],
    ]);
  });

  it("when a re-work is requested twice, then one round to the provider with Spain's 30 days takes the open reserves, and everyone is told once", async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' } });
    await h.addReserves(order.id, formId, 2);
    const request = () => h.run('wcf-request-rework', { orderId: order.id, formId }, processInstanceKey);
    const first = await request();
    expect(await request()).toEqual(first);
    const { reworkId, reworkDeadline } = (first.body as { variables: { reworkId: string; reworkDeadline: string } }).variables;
    expect(reworkDeadline).toBe(new Date(NOW.getTime() + 30 * DAY).toISOString());
    expect(await roundsOf(order.id)).toEqual([
      { id: reworkId, round: 1, origin: 'reserves', provider_id: DEV_PROVIDER_ID, deadline: new Date(reworkDeadline), status: 'open' },
    ]);
    expect((await reservesOf(formId)).map((r) => r.rework_id)).toEqual([reworkId, reworkId]);
    expect(await h.messagesOf(order.id)).toEqual([
      ['wcf.rework-requested', { orderReference: order.salesOrderId, reserveCount: 2, deadline: '2027-04-04' }],
      ['wcf.rework-planned', { orderReference: order.salesOrderId, deadline: '2027-04-04' }],
    ]);
  });

  it("when the order is Polish, then the round's deadline is Poland's 21 days away; after a rejection its origin is the rejection", async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ fixture: 'tempo-created-pl', form: { status: 'signed', answer: 'rejected' } });
    await h.addReserves(order.id, formId, 1);
    const answer = await h.run('wcf-request-rework', { orderId: order.id, formId }, processInstanceKey);
    expect(answer.body).toMatchObject({ variables: { reworkDeadline: new Date(NOW.getTime() + 21 * DAY).toISOString() } });
    expect(await roundsOf(order.id)).toMatchObject([{ round: 1, origin: 'rejection' }]);
  });

  it('when no reserve is left open, then the request is an incident (400) naming the form, and no round is given', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' } });
    const answer = await h.run('wcf-request-rework', { orderId: order.id, formId }, processInstanceKey);
    expect(answer).toMatchObject({ status: 400, body: { code: 'no-open-reserves', reason: expect.stringContaining(formId) as unknown } });
    expect(await roundsOf(order.id)).toEqual([]);
  });
});

describe('wcf-outcomes: extensions and disputes', () => {
  it('when an overdue round is extended, then the deadline is now + the days, computed once: a retry answers the same and tells no one twice', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' } });
    const round = await seedRework(db, order.id, formId, { reserves: 1 });
    const overdue = new Date(NOW.getTime() - 2 * DAY);
    await db.query('UPDATE wcf.reworks SET deadline = $2 WHERE id = $1', [round.id, overdue]);
    const extend = () => h.run('wcf-extend-rework', { reworkId: round.id, extensionDays: 7, reworkDeadline: overdue.toISOString() }, processInstanceKey);
    const first = await extend();
    const extended = new Date(NOW.getTime() + 7 * DAY).toISOString();
    expect(first).toEqual({ status: 200, body: { variables: { reworkDeadline: extended } } });
    h.setNow(new Date(NOW.getTime() + DAY));
    try {
      expect(await extend()).toEqual(first);
    } finally {
      h.setNow(NOW);
    }
    expect(await roundsOf(order.id)).toMatchObject([{ deadline: new Date(extended) }]);
    expect(await h.messagesOf(order.id)).toEqual([
      ['wcf.rework-deadline-extended', { orderReference: order.salesOrderId, extensionDays: 7, deadline: '2027-03-12' }],
    ]);
  });

  it('when a round is extended before its deadline, then the days are added to the deadline', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' } });
    const round = await seedRework(db, order.id, formId, { reserves: 1 });
    const due = new Date(NOW.getTime() + 3 * DAY);
    await db.query('UPDATE wcf.reworks SET deadline = $2 WHERE id = $1', [round.id, due]);
    const answer = await h.run('wcf-extend-rework', { reworkId: round.id, extensionDays: 5, reworkDeadline: due.toISOString() }, processInstanceKey);
    expect(answer.body).toEqual({ variables: { reworkDeadline: new Date(due.getTime() + 5 * DAY).toISOString() } });
  });

  it('when a dispute is opened twice, then one dispute with the note as reason, the open round disputed, the customer told once', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' } });
    const round = await seedRework(db, order.id, formId, { reserves: 1 });
    const dispute = () => h.run('wcf-open-dispute', { orderId: order.id, formId, note: 'The provider refuses to come back' }, processInstanceKey);
    const first = await dispute();
    expect(first.status).toBe(200);
    expect(await dispute()).toEqual(first);
    const { rows } = await db.query('SELECT id, reason, status, opened_at FROM wcf.disputes WHERE form_id = $1', [formId]);
    expect(rows).toEqual([
      { id: (first.body.variables as { disputeId: string }).disputeId, reason: 'The provider refuses to come back', status: 'open', opened_at: NOW },
    ]);
    expect(await roundsOf(order.id)).toMatchObject([{ id: round.id, status: 'disputed' }]);
    expect(await h.messagesOf(order.id)).toEqual([['wcf.dispute-opened', { orderReference: order.salesOrderId }]]);
  });

  it('when a dispute comes without a reason, then an incident (400) and no dispute', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm();
    expect(await h.run('wcf-open-dispute', { orderId: order.id, formId, note: '  ' }, processInstanceKey)).toMatchObject({
      status: 400,
      body: { code: 'dispute-reason-missing' },
    });
    expect((await db.query('SELECT 1 FROM wcf.disputes WHERE form_id = $1', [formId])).rows).toEqual([]);
  });
});
