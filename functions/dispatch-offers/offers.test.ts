import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_B_ID, DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { offerRow, seedAssignment, seedDispatch, seedOffer, startDispatchOffersHarness } from './testing';

const { db, sell, call, events, messagesFor } = await startDispatchOffersHarness();

async function openOffer(providerId = DEV_PROVIDER_ID, over: Parameters<typeof seedOffer>[2] extends infer S ? Partial<S> : never = {}) {
  const order = await sell();
  const offerId = await seedOffer(db, order.id, { providerId, ...over });
  return { orderId: order.id, offerId };
}

describe('dispatch-offers GET /offers', () => {
  it("when provider staff list open offers, then they get their provider's offers with the order summary and no customer PII", async () => {
    const { orderId, offerId } = await openOffer();
    const other = await openOffer(DEV_PROVIDER_B_ID);
    for (const user of ['provider-admin', 'technician'] as const) {
      const answer = await call('GET', '/offers?status=open', user);
      expect(answer.status).toBe(200);
      const offers = answer.body.offers as { offerId: string; order: { products: unknown[] } }[];
      expect(offers.map((o) => o.offerId)).toContain(offerId);
      expect(offers.map((o) => o.offerId)).not.toContain(other.offerId);
      const mine = offers.find((o) => o.offerId === offerId);
      expect(mine).toMatchObject({
        status: 'open',
        score: 0.8125,
        expiresAt: expect.stringMatching(/Z$/) as unknown,
        order: {
          serviceOrderId: orderId,
          countryCode: 'ES',
          store: { code: expect.any(String) as unknown },
          postalCode: expect.any(String) as unknown,
          skills: expect.any(Array) as unknown,
        },
      });
      expect(mine?.order.products.length).toBeGreaterThan(0);
    }
    const {
      rows: [customer],
    } = await db.query<{ full_name: string; phone: string | null; email: string | null; street: string }>(
      'SELECT c.full_name, c.phone, c.email, c.street FROM orders.customers c JOIN orders.service_orders o ON o.customer_id = c.id WHERE o.id = $1',
      [orderId],
    );
    const text = JSON.stringify((await call('GET', '/offers', 'provider-admin')).body);
    for (const pii of [customer!.full_name, customer!.phone, customer!.email, customer!.street].filter(Boolean)) expect(text).not.toContain(pii);
  });

  it("when an open offer's deadline has passed, then it is listed as expired, not open", async () => {
    const { offerId } = await openOffer(DEV_PROVIDER_ID, { expiresIn: -60_000 });
    const ids = async (status: string) =>
      ((await call('GET', `/offers?status=${status}`, 'provider-admin')).body.offers as { offerId: string }[]).map((o) => o.offerId);
    expect(await ids('open')).not.toContain(offerId);
    expect(await ids('expired')).toContain(offerId);
  });

  it('when the status filter is unknown, then 400 naming status; an operator, then 403', async () => {
    expect(await call('GET', '/offers?status=maybe', 'provider-admin')).toMatchObject({ status: 400, body: { issues: [{ field: 'query.status' }] } });
    expect((await call('GET', '/offers', 'operator-fr')).status).toBe(403);
  });
});

describe('dispatch-offers POST /offers/:offerId/accept', () => {
  it('when the provider admin accepts an open offer, then it is accepted, announced and the workflow told, in one transaction', async () => {
    const { orderId, offerId } = await openOffer();
    const answer = await call('POST', `/offers/${offerId}/accept`, 'provider-admin');
    expect(answer).toMatchObject({ status: 200, body: { offerId, serviceOrderId: orderId, status: 'accepted', answeredBy: 'padmin-0001' } });
    expect(answer.headers.get('idempotent-replayed')).toBeNull();
    expect(await offerRow(db, offerId)).toMatchObject({ status: 'accepted', answered_by: 'padmin-0001' });
    expect(await events(orderId, 'ahs.dispatch.offer.accepted')).toEqual([
      {
        type: 'ahs.dispatch.offer.accepted',
        partition_key: orderId,
        data: { offerId, serviceOrderId: orderId, providerId: DEV_PROVIDER_ID, answeredBy: 'padmin-0001', at: expect.any(String) as unknown },
      },
    ]);
    expect(await messagesFor(orderId)).toEqual([
      { name: 'dispatch-offer-answered', correlationKey: orderId, messageId: `offer-answer:${offerId}`, variables: { offerId, answer: 'accepted' } },
    ]);
  });

  it.each([
    ['the deadline passed', { expiresIn: -1000 }, 'offer-expired'],
    ['the funnel expired it', { status: 'expired' as const }, 'offer-expired'],
    ['it was superseded', { status: 'superseded' as const }, 'offer-taken'],
    ['it was withdrawn', { status: 'withdrawn' as const }, 'offer-withdrawn'],
  ])('when %s, then 409 with the reason and nothing changes', async (_case, over, reason) => {
    const { orderId, offerId } = await openOffer(DEV_PROVIDER_ID, over);
    const before = await offerRow(db, offerId);
    expect(await call('POST', `/offers/${offerId}/accept`, 'provider-admin')).toMatchObject({ status: 409, body: { error: 'conflict', reason } });
    expect(await offerRow(db, offerId)).toEqual(before);
    expect(await messagesFor(orderId)).toEqual([]);
  });

  it("when another provider's parallel offer was accepted first, then 409 offer-taken", async () => {
    const order = await sell();
    const dispatchId = await seedDispatch(db, order.id);
    const mine = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID, dispatchId });
    const theirs = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_B_ID, dispatchId });
    expect((await call('POST', `/offers/${theirs}/accept`, 'provider-admin-b')).status).toBe(200);
    expect(await call('POST', `/offers/${mine}/accept`, 'provider-admin')).toMatchObject({ status: 409, body: { reason: 'offer-taken' } });
    expect((await offerRow(db, mine))?.status).toBe('open');
  });

  it('when both providers of parallel offers accept at the same moment, then exactly one wins', async () => {
    const order = await sell();
    const dispatchId = await seedDispatch(db, order.id);
    const a = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID, dispatchId });
    const b = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_B_ID, dispatchId });
    const answers = await Promise.all([call('POST', `/offers/${a}/accept`, 'provider-admin'), call('POST', `/offers/${b}/accept`, 'provider-admin-b')]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
    expect(await events(order.id, 'ahs.dispatch.offer.accepted')).toHaveLength(1);
  });

  it('when the order already has a live assignment, then 409 offer-taken', async () => {
    const { orderId, offerId } = await openOffer();
    await seedAssignment(db, orderId, { providerId: DEV_PROVIDER_B_ID });
    expect(await call('POST', `/offers/${offerId}/accept`, 'provider-admin')).toMatchObject({ status: 409, body: { reason: 'offer-taken' } });
  });

  it('when the order was cancelled, then 409 order-cancelled', async () => {
    const order = await sell('pyxis-created', true);
    const offerId = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID });
    expect(await call('POST', `/offers/${offerId}/accept`, 'provider-admin')).toMatchObject({ status: 409, body: { reason: 'order-cancelled' } });
    expect((await offerRow(db, offerId))?.status).toBe('open');
  });

  it('when the offer was already accepted (another key), then 409 offer-already-answered and nothing is published twice', async () => {
    const { orderId, offerId } = await openOffer();
    expect((await call('POST', `/offers/${offerId}/accept`, 'provider-admin')).status).toBe(200);
    expect(await call('POST', `/offers/${offerId}/accept`, 'provider-admin')).toMatchObject({ status: 409, body: { reason: 'offer-already-answered' } });
    expect(await messagesFor(orderId)).toHaveLength(1);
  });

  it('when the offer id is not a UUID, then 400 naming offerId; unknown, then 404', async () => {
    expect(await call('POST', '/offers/nope/accept', 'provider-admin')).toMatchObject({ status: 400, body: { issues: [{ field: 'params.offerId' }] } });
    expect((await call('POST', `/offers/${randomUUID()}/accept`, 'provider-admin')).status).toBe(404);
  });
});

describe('dispatch-offers POST /offers/:offerId/decline', () => {
  it('when the provider declines with a reason code, then the offer is declined, the provider excluded, announced and the workflow told', async () => {
    const { orderId, offerId } = await openOffer();
    const answer = await call('POST', `/offers/${offerId}/decline`, 'provider-admin', {
      reasonCode: 'TOO_FAR',
      comment: 'Outside our area, call Juan 600 111 222',
    });
    expect(answer).toMatchObject({ status: 200, body: { offerId, status: 'declined' } });
    expect(await offerRow(db, offerId)).toEqual({
      status: 'declined',
      answered_by: 'padmin-0001',
      decline_reason: 'TOO_FAR',
      decline_comment: 'Outside our area, call Juan 600 111 222',
    });
    const { rows } = await db.query('SELECT provider_id, reason FROM dispatch.exclusions WHERE service_order_id = $1', [orderId]);
    expect(rows).toEqual([{ provider_id: DEV_PROVIDER_ID, reason: 'declined:TOO_FAR' }]);
    const declined = await events(orderId, 'ahs.dispatch.offer.declined');
    expect(declined).toEqual([expect.objectContaining({ data: expect.objectContaining({ offerId, reason: 'TOO_FAR' }) as unknown })]);
    expect(JSON.stringify(declined)).not.toContain('600 111 222');
    expect(await messagesFor(orderId)).toEqual([
      { name: 'dispatch-offer-answered', correlationKey: orderId, messageId: `offer-answer:${offerId}`, variables: { offerId, answer: 'declined' } },
    ]);
  });

  it.each([
    ['an unknown reason code', { reasonCode: 'BORED' }, 'reasonCode'],
    ['no reason code', {}, 'reasonCode'],
    ['a comment too long', { reasonCode: 'OTHER', comment: 'x'.repeat(1001) }, 'comment'],
  ])('when the body has %s, then 400 naming the field and nothing changes', async (_case, body, field) => {
    const { orderId, offerId } = await openOffer();
    const answer = await call('POST', `/offers/${offerId}/decline`, 'provider-admin', body);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input', issues: [{ field }] } });
    expect((await offerRow(db, offerId))?.status).toBe('open');
    expect(await messagesFor(orderId)).toEqual([]);
  });

  it('when the offer expired, then 409 offer-expired and the provider is not excluded', async () => {
    const { orderId, offerId } = await openOffer(DEV_PROVIDER_ID, { expiresIn: -1000 });
    expect(await call('POST', `/offers/${offerId}/decline`, 'provider-admin', { reasonCode: 'NO_CAPACITY' })).toMatchObject({
      status: 409,
      body: { reason: 'offer-expired' },
    });
    expect((await db.query('SELECT 1 FROM dispatch.exclusions WHERE service_order_id = $1', [orderId])).rows).toEqual([]);
  });
});
