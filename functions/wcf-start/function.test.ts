import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fieldWorkCompleted } from '../../events';
import { useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { seedClaim, seedClaimableOrder, seedExpertOrder } from '../../test/support/claims';
import { requestedMessages, useOrderSeller } from '../../test/support/tv';
import { wcfStartFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
const url = await startFunction('wcf-start', wcfStartFunction({ db, logger: memoryLogger() }));

function workCompleted(serviceOrderId: string, appointmentId = randomUUID()) {
  return cloudEvent({
    type: fieldWorkCompleted.type,
    source: '/functions/field-visits',
    id: randomUUID(),
    data: { appointmentId, serviceOrderId, providerId: randomUUID(), technicianId: randomUUID(), completedAt: new Date().toISOString() },
  });
}

describe('wcf-start', () => {
  it("when an order's work is completed, then wcf-requested is requested once with its scope; a later completion (re-work) or a redelivery changes nothing", async () => {
    const order = await sell('pyxis-created');
    const first = workCompleted(order.id);
    expect(await postEvent(url, first)).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect((await postEvent(url, first)).body).toMatchObject({ result: 'duplicate' });
    expect((await postEvent(url, workCompleted(order.id))).body).toEqual({ result: 'ignored', reason: 'work closing already requested' });
    const messages = await requestedMessages(db, order.id);
    expect(messages).toEqual([
      {
        name: 'wcf-requested',
        correlationKey: order.id,
        messageId: `wcf-requested:${order.id}`,
        variables: { orderId: order.id, country: 'ES', businessUnit: expect.any(String) as unknown, store: expect.any(String) as unknown },
      },
    ]);
    const { rows } = await db.query('SELECT appointment_id FROM wcf.requests WHERE service_order_id = $1', [order.id]);
    expect(rows).toEqual([{ appointment_id: (first.data as { appointmentId: string }).appointmentId }]);
  });

  it('when the order is cancelled, then no WCF is started', async () => {
    const order = await sell('pyxis-created', true);
    expect((await postEvent(url, workCompleted(order.id))).body).toEqual({ result: 'ignored', reason: 'service order cancelled' });
    expect(await requestedMessages(db, order.id)).toEqual([]);
  });

  it("when a claim's expert visit is checked out, then no WCF is started (its findings close it)", async () => {
    const origin = await seedClaimableOrder(db, sell);
    const claimId = await seedClaim(db, origin.id, { status: 'investigating' });
    const expert = await seedExpertOrder(db, claimId, origin.id);
    expect((await postEvent(url, workCompleted(expert.orderId))).body).toEqual({ result: 'ignored', reason: "a claim's expert visit has no closing form" });
    expect(await requestedMessages(db, expert.orderId)).toEqual([]);
  });

  it('when the order is not known yet, then the delivery is retried (503) and nothing is recorded', async () => {
    const orderId = randomUUID();
    expect((await postEvent(url, workCompleted(orderId))).status).toBe(503);
    expect((await db.query('SELECT 1 FROM wcf.requests WHERE service_order_id = $1', [orderId])).rows).toEqual([]);
  });
});
