import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signAnswerToken } from '../../shared/domain/tv-answer-token';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, seedVisit, useOrderSeller } from '../../test/support/tv';
import { tvCustomerAnswersFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
const logger = memoryLogger();
const secret = 'test-answer-link-secret-0123456789abcdef';
let now = new Date('2027-01-12T10:00:00Z');
const url = await startFunction('tv-customer-answers', tvCustomerAnswersFunction({ db, logger, linkSecret: secret, clock: () => now }));

const lines = [{ change: 'add', description: 'Extra socket behind the hob', quantity: 1 }];
const deadline = new Date('2027-01-19T10:00:00Z');
const expiresAt = new Date('2027-02-18T10:00:00Z');

async function awaitingAnswer(options: { answer?: 'accepted' | 'refused' } = {}) {
  const order = await sell();
  const visitId = await seedVisit(db, order.id, {
    status: 'completed',
    technician: 'tech-0001',
    outcome: 'YES_BUT',
    adjustments: { lines, extraCostMinor: 12500, currency: 'EUR', answerDeadline: deadline, answer: options.answer },
  });
  const token = signAnswerToken(secret, { visitId, serviceOrderId: order.id, expiresAt });
  return { order, visitId, token };
}

async function call(method: 'GET' | 'POST', token: string, body?: unknown) {
  const response = await fetch(`${url}/answers/${token}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
/** The workflow messages the function requested for an order (its outbox). */
const messagesFor = (orderId: string) => requestedMessages(db, orderId);

describe('tv-customer-answers', () => {
  it('when the customer opens the link, then 200 with the order ref, the adjustments, the extra cost and the deadline', async () => {
    now = new Date('2027-01-12T10:00:00Z');
    const { order, token } = await awaitingAnswer();
    expect(await call('GET', token)).toEqual({
      status: 200,
      body: {
        orderRef: order.salesOrderId,
        adjustments: { lines, extraCost: { amountMinor: 12500, currency: 'EUR' } },
        answerDeadline: '2027-01-19T10:00:00.000Z',
        deadlinePassed: false,
        answer: null,
        answeredAt: null,
      },
    });
  });

  it('when the customer accepts, then the answer is stored once and the workflow told; the same answer again is 200, another 409', async () => {
    now = new Date('2027-01-12T10:00:00Z');
    const { order, visitId, token } = await awaitingAnswer();
    expect(await call('POST', token, { accepted: true, comment: 'OK pour le surcoût' })).toMatchObject({ status: 200, body: { answer: 'accepted' } });
    expect(await messagesFor(order.id)).toEqual([
      { name: 'tv-adjustments-answered', correlationKey: order.id, messageId: `tv-answer:${visitId}`, variables: { accepted: true } },
    ]);
    expect(await call('POST', token, { accepted: true })).toMatchObject({ status: 200, body: { answer: 'accepted' } });
    expect(await call('POST', token, { accepted: false })).toMatchObject({ status: 409, body: { reason: 'already-answered' } });
    expect(await messagesFor(order.id)).toHaveLength(1);
    const {
      rows: [row],
    } = await db.query('SELECT customer_answer, customer_comment FROM tv.adjustments WHERE visit_id = $1', [visitId]);
    expect(row).toEqual({ customer_answer: 'accepted', customer_comment: 'OK pour le surcoût' });
  });

  it('when the customer refuses, then accepted: false is published', async () => {
    now = new Date('2027-01-12T10:00:00Z');
    const { order, token } = await awaitingAnswer();
    expect((await call('POST', token, { accepted: false })).status).toBe(200);
    expect((await messagesFor(order.id))[0]?.variables).toEqual({ accepted: false });
  });

  it('when the answer comes after the deadline, then 409 answer-deadline-passed and nothing is published', async () => {
    const { order, token } = await awaitingAnswer();
    now = new Date('2027-01-20T10:00:00Z');
    expect((await call('GET', token)).body).toMatchObject({ deadlinePassed: true, answer: null });
    expect(await call('POST', token, { accepted: true })).toMatchObject({ status: 409, body: { reason: 'answer-deadline-passed' } });
    expect(await messagesFor(order.id)).toEqual([]);
    now = new Date('2027-01-12T10:00:00Z');
  });

  it.each([
    [
      'forged (another secret)',
      (c: { visitId: string; orderId: string }) =>
        signAnswerToken('some-other-secret-0123456789abcdef!!', { visitId: c.visitId, serviceOrderId: c.orderId, expiresAt }),
    ],
    [
      'expired',
      (c: { visitId: string; orderId: string }) =>
        signAnswerToken(secret, { visitId: c.visitId, serviceOrderId: c.orderId, expiresAt: new Date('2027-01-12T09:00:00Z') }),
    ],
    ['garbage', () => 'not-a-token'],
  ])('when the token is %s, then 401 for both reading and answering', async (_case, make) => {
    now = new Date('2027-01-12T10:00:00Z');
    const { order, visitId } = await awaitingAnswer();
    const token = make({ visitId, orderId: order.id });
    expect(await call('GET', token)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    expect((await call('POST', token, { accepted: true })).status).toBe(401);
    expect(await messagesFor(order.id)).toEqual([]);
  });

  it('when a valid token binds the visit to another order, then 404: the token names nothing', async () => {
    now = new Date('2027-01-12T10:00:00Z');
    const { visitId } = await awaitingAnswer();
    const token = signAnswerToken(secret, { visitId, serviceOrderId: randomUUID(), expiresAt });
    expect((await call('GET', token)).status).toBe(404);
  });

  it('when the workflow already cancelled the installation (its deadline timer), then 409 and nothing is requested', async () => {
    now = new Date('2027-01-12T10:00:00Z');
    const { order, token } = await awaitingAnswer();
    await db.query(`UPDATE orders.service_orders SET installation_status = 'cancelled' WHERE id = $1`, [order.id]);
    expect(await call('POST', token, { accepted: true })).toMatchObject({ status: 409, body: { reason: 'answer-deadline-passed' } });
    expect(await messagesFor(order.id)).toEqual([]);
  });

  it('when the body is not a boolean answer, then 400 naming accepted', async () => {
    now = new Date('2027-01-12T10:00:00Z');
    const { token } = await awaitingAnswer();
    expect(await call('POST', token, { accepted: 'yes' })).toMatchObject({ status: 400, body: { issues: [{ field: 'accepted' }] } });
  });

  it('when requests are logged, then no line carries the token or the comment', async () => {
    now = new Date('2027-01-12T10:00:00Z');
    const { token } = await awaitingAnswer();
    await call('POST', token, { accepted: true, comment: 'Mi teléfono es 612345678' });
    await call('GET', 'forged.token');
    const text = JSON.stringify(logger.lines);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain('612345678');
    expect(text).not.toContain('forged.token');
  });
});
