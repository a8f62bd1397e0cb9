import { describe, expect, it } from 'vitest';
import { tokenSha256 } from './open';
import { startClaimsHarness, type Json } from './testing';

const h = await startClaimsHarness();
const { db, call, link } = h;

const leak = { category: 'leak', description: 'Water under the sink after each use', photoRefs: ['uploads/c1/leak.jpg'], discoveredOn: '2026-11-20' };
const usedLinks = async (orderId: string) =>
  (await db.query('SELECT token_sha256, claim_id FROM claims.used_links WHERE service_order_id = $1', [orderId])).rows;

describe('claims POST /orders/:orderId', () => {
  it('when operator-es records a claim on an accepted order, then it is received, its history starts and the workflow is asked to start', async () => {
    const order = await h.claimableOrder();
    const answer = await call('POST', `/orders/${order.id}`, 'operator-es', leak);
    expect(answer).toMatchObject({
      status: 201,
      body: {
        serviceOrderId: order.id,
        orderReference: order.salesOrderId,
        status: 'received',
        category: 'leak',
        description: leak.description,
        photoRefs: leak.photoRefs,
        discoveredOn: '2026-11-20',
        openedVia: 'operator',
        openedBy: 'op-es-0001',
        entitlement: null,
        expertOrderId: null,
        closedAt: null,
      },
    });
    const claimId = answer.body.id as string;
    expect(await h.claimsOf(order.id)).toEqual([{ id: claimId, status: 'received' }]);
    expect(await h.historyOf(claimId)).toEqual([{ actor: 'op-es-0001', action: 'opened', detail: { via: 'operator', category: 'leak' } }]);
    expect(await h.messagesFor(claimId)).toEqual([
      {
        name: 'claim-opened',
        correlationKey: claimId,
        variables: { claimId, orderId: order.id, country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' },
        messageId: `claim-opened:${claimId}`,
      },
    ]);
  });

  it('when the app retries with the same Idempotency-Key, then the first answer is replayed and one claim exists', async () => {
    const order = await h.claimableOrder();
    const first = await call('POST', `/orders/${order.id}`, 'operator-es', leak, 'retry-key-1');
    const again = await call('POST', `/orders/${order.id}`, 'operator-es', leak, 'retry-key-1');
    expect(again).toMatchObject({ status: 201, replayed: true, body: { id: first.body.id } });
    expect(await h.claimsOf(order.id)).toHaveLength(1);
    expect((await call('POST', `/orders/${order.id}`, 'operator-es', leak, null)).status).toBe(400);
  });

  it("when another country's operator, a technician or nobody records it, then 404, 403, 401 and nothing is written", async () => {
    const order = await h.claimableOrder();
    expect((await call('POST', `/orders/${order.id}`, 'operator-fr', leak)).status).toBe(404);
    expect((await call('POST', `/orders/${order.id}`, 'technician', leak)).status).toBe(403);
    expect((await call('POST', `/orders/${order.id}`, 'provider-admin', leak)).status).toBe(403);
    expect((await call('POST', `/orders/${order.id}`, undefined, leak)).status).toBe(401);
    expect((await call('POST', `/orders/${order.id}`, 'admin', leak)).status).toBe(201);
    expect(await h.claimsOf(order.id)).toHaveLength(1);
  });

  it('when the work was not accepted yet or the order is a claim visit, then 409 order-not-accepted and nothing is written', async () => {
    const worked = await h.workedOrder();
    expect(await call('POST', `/orders/${worked.id}`, 'operator-es', leak)).toMatchObject({ status: 409, body: { reason: 'order-not-accepted' } });
    expect(await h.claimsOf(worked.id)).toEqual([]);
    const { expert } = await h.investigatedClaim();
    expect(await call('POST', `/orders/${expert.orderId}`, 'operator-es', leak)).toMatchObject({ status: 409, body: { reason: 'order-not-accepted' } });
    expect((await call('POST', '/orders/7e000000-0000-4000-8000-0000000000ff', 'operator-es', leak)).status).toBe(404);
  });

  it.each([
    [{ ...leak, category: 'broken' }, 'category'],
    [{ ...leak, description: '   ' }, 'description'],
    [{ ...leak, photoRefs: Array.from({ length: 21 }, (_, i) => `uploads/p${i}.jpg`) }, 'photoRefs'],
    [{ ...leak, photoRefs: ['has space.jpg'] }, 'photoRefs.0'],
    [{ ...leak, discoveredOn: '2026-02-30' }, 'discoveredOn'],
    [{ ...leak, discoveredOn: '2999-01-01' }, 'discoveredOn'],
  ])('when the body is %j, then 400 naming %s and nothing is written', async (body, field) => {
    const order = await h.claimableOrder();
    const answer = await call('POST', `/orders/${order.id}`, 'operator-es', body);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
    expect(await h.claimsOf(order.id)).toEqual([]);
  });
});

describe('claims GET /link/:token', () => {
  it("when the customer opens their claim link, then they see the order's reference, products and running warranties, no contact data", async () => {
    const order = await h.claimableOrder();
    const answer = await call('GET', `/link/${link(order)}`, undefined);
    expect(answer).toMatchObject({ status: 200, body: { orderReference: order.salesOrderId, canClaim: true, used: false, claim: null } });
    expect((answer.body.products as Json[]).length).toBeGreaterThan(0);
    expect(answer.body.warranties).toEqual(
      order.warranties.map((w) => ({ code: w.code, name: w.name, startsOn: w.startsOn, endsOn: w.endsOn, daysLeft: expect.any(Number) as unknown })),
    );
    expect(JSON.stringify(answer.body)).not.toMatch(/@|\+34|Calle|phone|email/i);
  });
});

describe('claims POST /link/:token', () => {
  it('when the customer opens a claim from their link, then it is received via the link, the link is spent and the workflow is asked to start', async () => {
    const order = await h.claimableOrder();
    const token = link(order);
    const answer = await call('POST', `/link/${token}`, undefined, { category: 'finishing', description: 'Paint peeling on the cabinet doors' });
    expect(answer).toMatchObject({
      status: 201,
      body: { serviceOrderId: order.id, status: 'received', openedVia: 'customer-link', openedBy: null, photoRefs: [] },
    });
    const claimId = answer.body.id as string;
    expect(await usedLinks(order.id)).toEqual([{ token_sha256: tokenSha256(token), claim_id: claimId }]);
    expect(await h.historyOf(claimId)).toEqual([{ actor: 'customer', action: 'opened', detail: { via: 'customer-link', category: 'finishing' } }]);
    expect(await h.messagesFor(claimId)).toEqual([
      expect.objectContaining({ name: 'claim-opened', variables: expect.objectContaining({ claimId, orderId: order.id, country: 'ES' }) as unknown }),
    ]);
    expect(await call('GET', `/link/${token}`, undefined)).toMatchObject({
      status: 200,
      body: { canClaim: false, used: true, claim: { id: claimId, status: 'received' } },
    });
  });

  it('when the link is used a second time, then 409 claim-link-used and nothing changes', async () => {
    const order = await h.claimableOrder();
    const token = link(order);
    expect((await call('POST', `/link/${token}`, undefined, leak)).status).toBe(201);
    const again = await call('POST', `/link/${token}`, undefined, { ...leak, category: 'other' });
    expect(again).toMatchObject({ status: 409, body: { reason: 'claim-link-used' } });
    const claims = await h.claimsOf(order.id);
    expect(claims).toHaveLength(1);
    expect(await usedLinks(order.id)).toHaveLength(1);
    expect(await h.messagesFor(claims[0]!.id)).toHaveLength(1);
  });

  it('when the link names an order whose work was not accepted, then 409 order-not-accepted and the link stays unused', async () => {
    const worked = await h.workedOrder();
    expect(await call('POST', `/link/${link(worked)}`, undefined, leak)).toMatchObject({ status: 409, body: { reason: 'order-not-accepted' } });
    expect(await h.claimsOf(worked.id)).toEqual([]);
    expect(await usedLinks(worked.id)).toEqual([]);
  });

  it.each([
    ['made for another purpose (a WCF answer)', { purpose: 'wcf-answer' as const }],
    ['expired', { expiresAt: new Date(Date.now() - 60_000) }],
    ['forged (signed with another key)', { secret: 'another-secret-0123456789abcdef-0123456789' }],
  ])('when the link is %s, then GET and POST are 401 without a bearer challenge and nothing is written', async (_case, options) => {
    const order = await h.claimableOrder();
    const token = link(order, options);
    const read = await fetch(`${h.url}/link/${token}`);
    expect(read.status).toBe(401);
    expect(read.headers.get('www-authenticate')).toBeNull();
    expect((await call('POST', `/link/${token}`, undefined, leak)).status).toBe(401);
    expect((await call('POST', '/link/not-a-token', undefined, leak)).status).toBe(401);
    expect(await h.claimsOf(order.id)).toEqual([]);
    expect(await usedLinks(order.id)).toEqual([]);
  });
});
