import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { serviceOrderCreated, type ServiceOrderSnapshot } from '../../events';
import { useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages } from '../../test/support/tv';
import { tvStartFunction } from './function';

const db = useTestDb();
const url = await startFunction('tv-start', tvStartFunction({ db, logger: memoryLogger(), settings: { slaDuration: 'P5D', answerDeadline: 'P7D' } }));

function created(over: Partial<ServiceOrderSnapshot> = {}): ServiceOrderSnapshot {
  return {
    serviceOrderId: randomUUID(),
    salesSystem: 'PYXIS',
    salesOrderId: `ES-0042-${randomUUID()}`,
    salesChannel: 'IN_STORE',
    revision: 1,
    status: 'CREATED',
    countryCode: 'ES',
    businessUnitCode: 'ES-CENTRO',
    storeCode: 'ES-MAD-0042',
    customerId: randomUUID(),
    postalCode: '28009',
    lines: [],
    skills: ['KITCHEN'],
    technicalVisitRequired: true,
    requestedWindow: null,
    contactDeadline: '2026-11-30T10:12:41.000Z',
    linkedServiceOrderIds: [],
    ...over,
  };
}
const deliver = (data: ServiceOrderSnapshot, id = randomUUID()) =>
  postEvent(url, cloudEvent({ type: serviceOrderCreated.type, source: '/functions/order-intake', id, data }));
/** The workflow messages tv-start requested for an order (its outbox). */
const publishedFor = (orderId: string) => requestedMessages(db, orderId);

describe('tv-start', () => {
  it('when an order that needs a TV is created, then tv-requested is requested in the inbox transaction, correlated by the order id, with the process variables', async () => {
    const order = created();
    expect(await deliver(order)).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(await publishedFor(order.serviceOrderId)).toEqual([
      {
        name: 'tv-requested',
        correlationKey: order.serviceOrderId,
        messageId: `tv-requested:${order.serviceOrderId}`,
        variables: { orderId: order.serviceOrderId, country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042', slaDuration: 'P5D', answerDeadline: 'P7D' },
      },
    ]);
  });

  it('when the same event is delivered twice, then the second is a duplicate and nothing more is published', async () => {
    const order = created();
    const id = randomUUID();
    await deliver(order, id);
    expect((await deliver(order, id)).body).toMatchObject({ result: 'duplicate' });
    expect(await publishedFor(order.serviceOrderId)).toHaveLength(1);
  });

  it('when an order needs no TV, or is created cancelled, then it is ignored and nothing is published', async () => {
    const plain = created({ technicalVisitRequired: false });
    const cancelled = created({ status: 'CANCELLED' });
    expect((await deliver(plain)).body).toMatchObject({ result: 'ignored', reason: 'no technical visit required' });
    expect((await deliver(cancelled)).body).toMatchObject({ result: 'ignored', reason: 'service order cancelled' });
    expect([...(await publishedFor(plain.serviceOrderId)), ...(await publishedFor(cancelled.serviceOrderId))]).toEqual([]);
  });
});
