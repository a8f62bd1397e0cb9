import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_B_ID } from '../../mesh/oidc/users';
import { TECH_2 } from '../../test/support/wcf';
import { startWcfHarness } from './testing';

const h = await startWcfHarness();
const { db, call } = h;

const formOf = async (formId: string) =>
  (await db.query('SELECT status, answer, rejection_reason, answered_via, answered_at IS NOT NULL AS answered FROM wcf.forms WHERE id = $1', [formId])).rows[0];
const reservesOf = async (formId: string) =>
  (await db.query('SELECT seq, origin, description, location, photo_refs, status FROM wcf.reserves WHERE form_id = $1 ORDER BY seq', [formId])).rows;

const withReserves = {
  answer: 'accepted-with-reserves',
  reserves: [
    { description: 'Scratch on the oven housing', location: 'Kitchen, left column', photoRefs: ['uploads/wo-1/p1.jpg'] },
    { description: 'Gap under the worktop', location: 'Kitchen, window side' },
  ],
};

describe('wcf POST /orders/:orderId/answer', () => {
  it('when the assigned technician records acceptance with reserves, then the reserves are numbered, the form is answered and the workflow is told', async () => {
    const { order, formId } = await h.openForm();
    const answer = await call('POST', `/orders/${order.id}/answer`, 'technician', withReserves);
    expect(answer).toMatchObject({
      status: 200,
      body: { formId, serviceOrderId: order.id, status: 'answered', answer: 'accepted-with-reserves', answeredVia: 'technician-device' },
    });
    expect(await formOf(formId)).toEqual({
      status: 'answered',
      answer: 'accepted-with-reserves',
      rejection_reason: null,
      answered_via: 'technician-device',
      answered: true,
    });
    expect(await reservesOf(formId)).toEqual([
      {
        seq: 1,
        origin: 'customer',
        description: 'Scratch on the oven housing',
        location: 'Kitchen, left column',
        photo_refs: ['uploads/wo-1/p1.jpg'],
        status: 'open',
      },
      { seq: 2, origin: 'customer', description: 'Gap under the worktop', location: 'Kitchen, window side', photo_refs: [], status: 'open' },
    ]);
    expect(await h.messagesFor(formId)).toEqual([
      { name: 'wcf-answered', correlationKey: formId, variables: { answer: 'accepted-with-reserves' }, messageId: `wcf-answered:${formId}` },
    ]);
  });

  it("when the provider admin records a rejection, then the form keeps the customer's reason", async () => {
    const { order, formId } = await h.openForm();
    const answer = await call('POST', `/orders/${order.id}/answer`, 'provider-admin', { answer: 'rejected', reason: 'Wrong cabinet colour' });
    expect(answer).toMatchObject({ status: 200, body: { answer: 'rejected', rejectionReason: 'Wrong cabinet colour' } });
    expect(await formOf(formId)).toMatchObject({ status: 'answered', answer: 'rejected', rejection_reason: 'Wrong cabinet colour' });
  });

  it('when the form was already answered, then 409 wcf-already-answered and nothing changes; the same Idempotency-Key replays the first answer', async () => {
    const { order, formId } = await h.openForm();
    const first = await call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'accepted' }, 'answer-key-1');
    expect(first).toMatchObject({ status: 200, replayed: false });
    expect(await call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'accepted' }, 'answer-key-1')).toEqual({ ...first, replayed: true });
    const again = await call('POST', `/orders/${order.id}/answer`, 'technician', withReserves);
    expect(again).toMatchObject({ status: 409, body: { reason: 'wcf-already-answered' } });
    expect(await formOf(formId)).toMatchObject({ answer: 'accepted' });
    expect(await reservesOf(formId)).toEqual([]);
    expect(await h.messagesFor(formId)).toHaveLength(1);
  });

  it('when the workflow has not opened the closing form yet, then 409 no-wcf-open', async () => {
    const order = await h.workedOrder();
    expect(await call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'accepted' })).toMatchObject({
      status: 409,
      body: { reason: 'no-wcf-open' },
    });
  });

  it("when another provider's staff, an operator or nobody answers, then 404, 403 and 401, and the form still awaits its answer", async () => {
    const { order, formId } = await h.openForm({ providerId: DEV_PROVIDER_B_ID, technicianId: TECH_2 });
    const path = `/orders/${order.id}/answer`;
    for (const user of ['technician', 'provider-admin', 'technician-fr', 'provider-admin-fr'] as const) {
      expect(await call('POST', path, user, { answer: 'accepted' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
    expect((await call('POST', path, 'operator-es', { answer: 'accepted' })).status).toBe(403);
    expect((await call('POST', path, undefined, { answer: 'accepted' })).status).toBe(401);
    expect(await formOf(formId)).toMatchObject({ status: 'awaiting-answer', answer: null });
    expect((await call('POST', path, 'technician-b', { answer: 'accepted' })).status).toBe(200);
  });

  it('when the technician of the provider is not the one assigned to the order (none is), then 404', async () => {
    const { order } = await h.openForm();
    await db.query(`UPDATE dispatch.assignments SET technician_id = NULL WHERE service_order_id = $1`, [order.id]);
    expect((await call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'accepted' })).status).toBe(404);
  });

  it.each([
    ['no answer', {}, 'answer'],
    ['reserves without a location', { answer: 'accepted-with-reserves', reserves: [{ description: 'Scratch' }] }, 'reserves.0.location'],
    ['no reserve at all', { answer: 'accepted-with-reserves', reserves: [] }, 'reserves'],
    [
      'a photo sent as a data URL',
      { ...withReserves, reserves: [{ description: 'x', location: 'y', photoRefs: ['data:image/png;base64,AAAA'] }] },
      'reserves.0.photoRefs.0',
    ],
    ['a rejection without its reason', { answer: 'rejected' }, 'reason'],
  ])('when the body has %s, then 400 naming the field', async (_case, body, field) => {
    const { order } = await h.openForm();
    const answer = await call('POST', `/orders/${order.id}/answer`, 'technician', body);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
  });

  it('when the order id is not a UUID, then 400 naming params.orderId; an unknown order, 404', async () => {
    const bad = await call('POST', '/orders/nope/answer', 'technician', { answer: 'accepted' });
    expect(bad.body.issues).toEqual([expect.objectContaining({ field: 'params.orderId' })]);
    expect((await call('POST', `/orders/${randomUUID()}/answer`, 'technician', { answer: 'accepted' })).status).toBe(404);
  });
});
