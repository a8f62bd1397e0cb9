import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCustomerLink } from '../../shared/domain/customer-link';
import { LINK_SECRET, startWcfHarness } from './testing';

const h = await startWcfHarness();
const { db, call, link } = h;

const formOf = async (formId: string) => (await db.query('SELECT status, answer, answered_via FROM wcf.forms WHERE id = $1', [formId])).rows[0];

describe('wcf GET /answers/:token', () => {
  it("when the customer opens their link, then they see the order's reference, lines, visit dates and that the form awaits their answer, no contact data", async () => {
    const { order, formId } = await h.openForm();
    const answer = await call('GET', `/answers/${link(order, formId)}`, undefined);
    expect(answer).toMatchObject({
      status: 200,
      body: {
        formId,
        kind: 'closing',
        orderRef: order.salesOrderId,
        visits: [{ checkedInAt: order.checkedInAt.toISOString(), checkedOutAt: order.checkedOutAt.toISOString() }],
        status: 'awaiting-answer',
        awaitingAnswer: true,
        answer: null,
        reserves: [],
      },
    });
    expect((answer.body.lines as unknown[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(answer.body)).not.toMatch(/@|\+34|Calle|phone|email/i);
  });

  it('when the form was answered, then the link shows the answer and its reserves', async () => {
    const { order, formId } = await h.openForm();
    const token = link(order, formId);
    await call('POST', `/answers/${token}`, undefined, { answer: 'accepted-with-reserves', reserves: [{ description: 'Chipped tile', location: 'Bathroom' }] });
    expect(await call('GET', `/answers/${token}`, undefined)).toMatchObject({
      status: 200,
      body: {
        status: 'answered',
        awaitingAnswer: false,
        answer: 'accepted-with-reserves',
        reserves: [{ seq: 1, description: 'Chipped tile', location: 'Bathroom', photoRefs: [] }],
      },
    });
  });
});

describe('wcf POST /answers/:token', () => {
  it('when the customer accepts from their link, then the form is answered via the link and the workflow is told', async () => {
    const { order, formId } = await h.openForm();
    const answer = await call('POST', `/answers/${link(order, formId)}`, undefined, { answer: 'accepted' });
    expect(answer).toMatchObject({ status: 200, body: { formId, status: 'answered', answer: 'accepted', answeredVia: 'customer-link' } });
    expect(await formOf(formId)).toEqual({ status: 'answered', answer: 'accepted', answered_via: 'customer-link' });
    expect(await h.messagesFor(formId)).toEqual([
      { name: 'wcf-answered', correlationKey: formId, variables: { answer: 'accepted' }, messageId: `wcf-answered:${formId}` },
    ]);
  });

  it('when the customer answers twice, then the second is 409 wcf-already-answered and nothing changes', async () => {
    const { order, formId } = await h.openForm();
    const token = link(order, formId);
    expect((await call('POST', `/answers/${token}`, undefined, { answer: 'rejected', reason: 'Leaking tap' })).status).toBe(200);
    const again = await call('POST', `/answers/${token}`, undefined, { answer: 'accepted' });
    expect(again).toMatchObject({ status: 409, body: { reason: 'wcf-already-answered' } });
    expect(await formOf(formId)).toMatchObject({ answer: 'rejected' });
    expect(await h.messagesFor(formId)).toHaveLength(1);
  });

  it('when the body has reserves with no description, then 400 naming the field and nothing changes', async () => {
    const { order, formId } = await h.openForm();
    const answer = await call('POST', `/answers/${link(order, formId)}`, undefined, { answer: 'accepted-with-reserves', reserves: [{ location: 'Hall' }] });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'reserves.0.description' })]);
    expect(await formOf(formId)).toMatchObject({ status: 'awaiting-answer' });
  });
});

describe('wcf customer links refused', () => {
  it.each([
    ['made for another purpose (a claim)', { purpose: 'claim' as const }],
    ['expired', { expiresAt: new Date(Date.now() - 60_000) }],
  ])('when the link is %s, then GET and POST are 401 without a bearer challenge and nothing changes', async (_case, options) => {
    const { order, formId } = await h.openForm();
    const token = link(order, formId, options);
    const read = await fetch(`${h.url}/answers/${token}`);
    expect(read.status).toBe(401);
    expect(read.headers.get('www-authenticate')).toBeNull();
    expect((await call('POST', `/answers/${token}`, undefined, { answer: 'accepted' })).status).toBe(401);
    expect(await formOf(formId)).toMatchObject({ status: 'awaiting-answer' });
  });

  it('when the link is forged (signed with another key) or garbage, then 401', async () => {
    const { order, formId } = await h.openForm();
    const forged = signCustomerLink('another-secret-0123456789abcdef-0123456789', {
      purpose: 'wcf-answer',
      subjectId: formId,
      serviceOrderId: order.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect((await call('POST', `/answers/${forged}`, undefined, { answer: 'accepted' })).status).toBe(401);
    expect((await call('GET', '/answers/not-a-token', undefined)).status).toBe(401);
    expect(LINK_SECRET).not.toBe('another-secret-0123456789abcdef-0123456789');
  });

  it("when a valid link names a form of another order, then 404 and the other order's form is untouched", async () => {
    const { formId } = await h.openForm();
    const other = await h.workedOrder();
    const token = link(other, formId);
    expect((await call('GET', `/answers/${token}`, undefined)).status).toBe(404);
    expect((await call('POST', `/answers/${token}`, undefined, { answer: 'accepted' })).status).toBe(404);
    expect((await call('GET', `/answers/${link(other, randomUUID())}`, undefined)).status).toBe(404);
    expect(await formOf(formId)).toMatchObject({ status: 'awaiting-answer' });
  });
});
