import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAnswerToken } from '../../shared/domain/tv-answer-token';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job, outboxOf, postJob, seedVisit, useOrderSeller } from '../../test/support/tv';
import { tvRequestAdjustmentApprovalFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
const secret = 'test-answer-link-secret-0123456789abcdef';
const now = new Date('2027-01-12T10:00:00Z');
const logger = memoryLogger();
const url = await startFunction(
  'tv-request-adjustment-approval',
  tvRequestAdjustmentApprovalFunction({
    db,
    logger,
    clock: () => now,
    linkSecret: secret,
    linkBaseUrl: 'https://answers.ahs.example/tv/',
  }),
);

const lines = [{ change: 'add', description: 'Extra socket behind the hob', quantity: 1 }];
async function yesButVisit() {
  const order = await sell();
  const visitId = await seedVisit(db, order.id, {
    status: 'completed',
    technician: 'tech-0001',
    outcome: 'YES_BUT',
    adjustments: { lines, extraCostMinor: 12500, currency: 'EUR', answerDeadline: null },
  });
  return { order, visitId };
}
const request = (orderId: string, visitId: string) => job('tv-request-adjustment-approval', { orderId, visitId, answerDeadline: 'P7D' });
const notifications = async (id: string) => (await outboxOf(db, id)).filter((e) => e.type === 'ahs.notify.message.requested');

describe('tv-request-adjustment-approval', () => {
  it('when the job arrives, then the adjustments await the answer until the deadline and the customer is sent a signed link, by reference', async () => {
    const { order, visitId } = await yesButVisit();
    expect(await postJob(url, request(order.id, visitId))).toEqual({ status: 200, body: { variables: {} } });

    const {
      rows: [adjustments],
    } = await db.query('SELECT approval_requested_at, answer_deadline, customer_answer FROM tv.adjustments WHERE visit_id = $1', [visitId]);
    expect(adjustments).toEqual({ approval_requested_at: now, answer_deadline: new Date('2027-01-19T10:00:00Z'), customer_answer: null });

    const [message] = await notifications(order.id);
    expect(message?.data).toMatchObject({
      channel: 'email',
      recipient: { kind: 'customer', customerId: order.customerId, serviceOrderId: order.id },
      templateId: 'tv.adjustments-approval-requested',
      locale: 'es',
      parameters: { orderReference: order.salesOrderId, answerDeadline: '2027-01-19T10:00:00.000Z', extraCostMinor: 12500, currency: 'EUR' },
    });
    const link = String((message?.data.parameters as Record<string, unknown>).answerUrl);
    expect(link).toMatch(/^https:\/\/answers\.ahs\.example\/tv\/[\w-]+\.[\w-]+$/);
    const claims = verifyAnswerToken(secret, link.split('/').pop()!, now);
    expect(claims).toMatchObject({ visitId, serviceOrderId: order.id });
    expect(claims.expiresAt.getTime()).toBeGreaterThan(new Date('2027-01-19T10:00:00Z').getTime());
    expect(JSON.stringify(logger.lines)).not.toContain(link.split('/').pop());
  });

  it('when the same job is delivered again, or another job for the same visit, then the customer is asked once', async () => {
    const { order, visitId } = await yesButVisit();
    const j = request(order.id, visitId);
    const first = await postJob(url, j);
    expect(await postJob(url, j)).toEqual(first);
    expect((await postJob(url, request(order.id, visitId))).status).toBe(200);
    expect(await notifications(order.id)).toHaveLength(1);
  });

  it('when the visit has no adjustments, then 400 (incident) and nothing is sent', async () => {
    const order = await sell();
    const answer = await postJob(url, request(order.id, randomUUID()));
    expect(answer).toMatchObject({ status: 400, body: { code: 'no-adjustments' } });
    expect(await notifications(order.id)).toEqual([]);
  });
});
