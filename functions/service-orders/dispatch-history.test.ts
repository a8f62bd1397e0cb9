import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_B_ID, DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { startServiceOrdersHarness } from './testing';

const { db, identity, sellPyxis, get } = await startServiceOrdersHarness();

const explained = (zone: number, quality: number) => ({
  zonePriority: zone,
  quality,
  load: 0.1,
  cost: 1,
  weights: { zone: 0.35, quality: 0.35, load: 0.2, cost: 0.1 },
});

/** An ES order dispatched once: two ranked candidates, the first declined, the second assigned. */
async function dispatchedOrder() {
  const orderId = await sellPyxis('pyxis-created');
  const dispatchId = randomUUID();
  const [declined, accepted, assignment] = [randomUUID(), randomUUID(), randomUUID()];
  await db.query(`INSERT INTO dispatch.dispatches (id, service_order_id, status) VALUES ($1, $2, 'assigned')`, [dispatchId, orderId]);
  await db.query(`INSERT INTO dispatch.candidates (dispatch_id, provider_id, rank, score, explanation) VALUES ($1, $2, 1, 0.91, $3), ($1, $4, 2, 0.74, $5)`, [
    dispatchId,
    DEV_PROVIDER_ID,
    explained(1, 0.9),
    DEV_PROVIDER_B_ID,
    explained(2, 0.7),
  ]);
  await db.query(
    `INSERT INTO dispatch.offers (id, dispatch_id, service_order_id, provider_id, status, expires_at, score, explanation, decline_reason, decline_comment, answered_at, answered_by, created_at)
     VALUES ($1, $3, $4, $5, 'declined', NOW() + INTERVAL '4 hours', 0.91, $7, 'NO_CAPACITY', 'fully booked this week', NOW(), 'padmin-0001', NOW() - INTERVAL '1 minute'),
            ($2, $3, $4, $6, 'accepted', NOW() + INTERVAL '4 hours', 0.74, $8, NULL, NULL, NOW(), 'padmin-0002', NOW())`,
    [declined, accepted, dispatchId, orderId, DEV_PROVIDER_ID, DEV_PROVIDER_B_ID, explained(1, 0.9), explained(2, 0.7)],
  );
  await db.query(`INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason) VALUES ($1, $2, 'declined:NO_CAPACITY')`, [orderId, DEV_PROVIDER_ID]);
  await db.query(
    `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, dispatch_id, offer_id, source, status, confirmed_at) VALUES ($1, $2, $3, $4, $5, 'offer', 'confirmed', NOW())`,
    [assignment, orderId, DEV_PROVIDER_B_ID, dispatchId, accepted],
  );
  return { orderId, dispatchId, declined, accepted, assignment };
}

describe('service-orders GET /:id/dispatch', () => {
  it('when operator-es reads an ES order, then each run shows its ranked candidates with the explanation of their scores, the offers and answers, the assignment and the exclusions', async () => {
    const d = await dispatchedOrder();
    const answer = await get(`/${d.orderId}/dispatch`, await identity.bearer('operator-es'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      serviceOrderId: d.orderId,
      runs: [
        {
          dispatchId: d.dispatchId,
          status: 'assigned',
          candidates: [
            { rank: 1, provider: { id: DEV_PROVIDER_ID }, score: 0.91, explanation: explained(1, 0.9) },
            { rank: 2, provider: { id: DEV_PROVIDER_B_ID }, score: 0.74, explanation: explained(2, 0.7) },
          ],
          offers: [
            {
              offerId: d.declined,
              provider: { id: DEV_PROVIDER_ID },
              status: 'declined',
              score: 0.91,
              declineReason: 'NO_CAPACITY',
              declineComment: 'fully booked this week',
              answeredBy: 'padmin-0001',
            },
            { offerId: d.accepted, provider: { id: DEV_PROVIDER_B_ID }, status: 'accepted', score: 0.74, declineReason: null },
          ],
        },
      ],
      assignments: [{ assignmentId: d.assignment, provider: { id: DEV_PROVIDER_B_ID }, source: 'offer', status: 'confirmed', cancelledAt: null }],
      exclusions: [{ provider: { id: DEV_PROVIDER_ID }, reason: 'declined:NO_CAPACITY' }],
    });
    const runs = answer.body.runs as { candidates: { provider: { name: unknown } }[] }[];
    expect(typeof runs[0]!.candidates[0]!.provider.name).toBe('string');
  });

  it('when the order was never dispatched, then the history is empty', async () => {
    const orderId = await sellPyxis('pyxis-created');
    expect(await get(`/${orderId}/dispatch`, await identity.bearer('operator-es'))).toMatchObject({
      status: 200,
      body: { serviceOrderId: orderId, runs: [], assignments: [], exclusions: [] },
    });
  });

  it('when an operator of another country reads it, then 404; an unknown order 404', async () => {
    const d = await dispatchedOrder();
    expect((await get(`/${d.orderId}/dispatch`, await identity.bearer('operator-fr'))).status).toBe(404);
    expect((await get(`/${randomUUID()}/dispatch`, await identity.bearer('operator-es'))).status).toBe(404);
  });

  it('when a provider admin or a technician asks (even the assigned provider), then 403: the history names competitors', async () => {
    const d = await dispatchedOrder();
    expect((await get(`/${d.orderId}/dispatch`, await identity.bearer('provider-admin-b'))).status).toBe(403);
    expect((await get(`/${d.orderId}/dispatch`, await identity.bearer('technician'))).status).toBe(403);
  });

  it('when the id is not a UUID, then 400 naming it; without a token, 401', async () => {
    expect(await get('/not-a-uuid/dispatch', await identity.bearer('operator-es'))).toMatchObject({ status: 400, body: { issues: [{ field: 'params.id' }] } });
    expect((await get(`/${randomUUID()}/dispatch`)).status).toBe(401);
  });
});
