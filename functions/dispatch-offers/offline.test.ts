import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { newKey, offerRow, seedAssignment, seedOffer, startDispatchOffersHarness, TECH_0001 } from './testing';

const { db, sell, call, events, messagesFor } = await startDispatchOffersHarness();

const idempotencyRows = async (key: string) => (await db.query('SELECT scope, status FROM platform.idempotency_keys WHERE key = $1', [key])).rows;

describe('dispatch-offers offline retries (Idempotency-Key)', () => {
  it('when the app sends the same accept twice with one key, then the same answer, one event, one message', async () => {
    const order = await sell();
    const offerId = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID });
    const key = newKey();
    const first = await call('POST', `/offers/${offerId}/accept`, 'provider-admin', undefined, key);
    const again = await call('POST', `/offers/${offerId}/accept`, 'provider-admin', undefined, key);
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await events(order.id, 'ahs.dispatch.offer.accepted')).toHaveLength(1);
    expect(await messagesFor(order.id)).toHaveLength(1);
    expect(await idempotencyRows(key)).toEqual([{ scope: 'dispatch-offers:accept', status: 200 }]);
  });

  it('when the same accept is sent twice at once with one key, then one is done and both get the same answer', async () => {
    const order = await sell();
    const offerId = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID });
    const key = newKey();
    const answers = await Promise.all([0, 1].map(() => call('POST', `/offers/${offerId}/accept`, 'provider-admin', undefined, key)));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]!.body).toEqual(answers[1]!.body);
    expect(await messagesFor(order.id)).toHaveLength(1);
  });

  it('when a stale accept (409) is retried with its key after the offer changed, then the first answer is replayed', async () => {
    const order = await sell();
    const offerId = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID, expiresIn: -1000 });
    const key = newKey();
    const first = await call('POST', `/offers/${offerId}/accept`, 'provider-admin', undefined, key);
    expect(first).toMatchObject({ status: 409, body: { reason: 'offer-expired' } });
    await db.query(`UPDATE dispatch.offers SET expires_at = NOW() + INTERVAL '1 hour' WHERE id = $1`, [offerId]);
    const again = await call('POST', `/offers/${offerId}/accept`, 'provider-admin', undefined, key);
    expect(again).toMatchObject({ status: 409, body: first.body });
    expect((await offerRow(db, offerId))?.status).toBe('open');
  });

  it('when a decline, a withdrawal and a technician assignment are retried with their keys, then each is done once', async () => {
    const order = await sell();
    const offerId = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID });
    const declineKey = newKey();
    for (let i = 0; i < 2; i++)
      expect((await call('POST', `/offers/${offerId}/decline`, 'provider-admin', { reasonCode: 'PRICE' }, declineKey)).status).toBe(200);
    expect(await events(order.id, 'ahs.dispatch.offer.declined')).toHaveLength(1);

    const other = await sell();
    const assignmentId = await seedAssignment(db, other.id, { providerId: DEV_PROVIDER_ID });
    const assignKey = newKey();
    const assigned = await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: TECH_0001 }, assignKey);
    expect(await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: TECH_0001 }, assignKey)).toMatchObject({
      status: 200,
      body: assigned.body,
    });
    const withdrawKey = newKey();
    for (let i = 0; i < 2; i++)
      expect((await call('POST', `/assignments/${assignmentId}/withdraw`, 'provider-admin', { reasonCode: 'OTHER' }, withdrawKey)).status).toBe(200);
    expect(await messagesFor(other.id)).toHaveLength(1);
  });

  it('when a key is reused for another request, then 400 naming Idempotency-Key; a write without a key, then 400', async () => {
    const order = await sell();
    const offerId = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID });
    const key = newKey();
    expect((await call('POST', `/offers/${offerId}/decline`, 'provider-admin', { reasonCode: 'PRICE' }, key)).status).toBe(200);
    expect(await call('POST', `/offers/${offerId}/decline`, 'provider-admin', { reasonCode: 'OTHER' }, key)).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'Idempotency-Key' }] },
    });
    const fresh = await seedOffer(db, order.id, { providerId: DEV_PROVIDER_ID });
    expect(await call('POST', `/offers/${fresh}/accept`, 'provider-admin', undefined, null)).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'Idempotency-Key' }] },
    });
    expect((await offerRow(db, fresh))?.status).toBe('open');
  });
});
