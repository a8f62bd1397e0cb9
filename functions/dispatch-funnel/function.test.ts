import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job as tvJob, outboxOf, postJob } from '../../test/support/tv';
import { dispatchFunnelFunction } from './function';
import { settings, useDispatchWorld } from './testing';

const db = useTestDb();
const world = useDispatchWorld(db);
const now = new Date();
const url = await startFunction('dispatch-funnel', dispatchFunnelFunction({ db, logger: memoryLogger(), settings, clock: () => now }));

const job = (type: string, variables: Record<string, unknown>) => tvJob(type, variables, { bpmnProcessId: 'assignment' });
const find = async (orderId: string) =>
  (await postJob(url, job('dispatch-find-candidates', { orderId }))).body.variables as { dispatchId: string; candidateCount: number };
const candidatesOf = async (dispatchId: string) =>
  (
    await db.query<{ provider_id: string; rank: number; explanation: { parts: Record<string, number> } }>(
      'SELECT provider_id, rank, explanation FROM dispatch.candidates WHERE dispatch_id = $1 ORDER BY rank',
      [dispatchId],
    )
  ).rows;
const dispatchEvents = async (orderId: string) => (await outboxOf(db, orderId)).filter((e) => e.type.startsWith('ahs.dispatch.'));

describe('dispatch-funnel: finding candidates', () => {
  it('when providers serve the order, then only the eligible ones are ranked, best first, each with its explanation', async () => {
    const order = await world.order();
    const best = await world.provider(order.postal, { quality: 0.9 });
    const second = await world.provider(order.postal, { quality: 0.6, priority: 2 });
    await world.provider(order.postal, { status: 'onboarding' });
    await world.provider(order.postal, { skills: ['KITCHEN'] });
    await world.provider(order.postal, { country: 'FR' });
    await world.provider(order.postal, { businessUnitId: 'b0000000-0000-4000-8000-000000000102' });
    const excluded = await world.provider(order.postal);
    await db.query(`INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason) VALUES ($1, $2, 'declined')`, [order.id, excluded.id]);

    const { dispatchId, candidateCount } = await find(order.id);
    const ranked = await candidatesOf(dispatchId);
    expect(ranked.map((c) => [c.provider_id, c.rank])).toEqual([
      [best.id, 1],
      [second.id, 2],
    ]);
    expect(candidateCount).toBe(2);
    expect(ranked[0]?.explanation.parts).toMatchObject({ zone: 1, quality: 0.9, load: 1, cost: 1 });
  });

  it('when a provider lists stores, then it is eligible only for orders of those stores', async () => {
    const order = await world.order();
    const other = await db.query<{ id: string }>(`SELECT id FROM org.stores WHERE code = 'ES-MAD-0057'`);
    const elsewhere = await world.provider(order.postal, { storeIds: [other.rows[0]!.id] });
    const here = await world.provider(order.postal, { storeIds: [order.storeId] });
    const ranked = await candidatesOf((await find(order.id)).dispatchId);
    expect(ranked.map((c) => c.provider_id)).toEqual([here.id]);
    expect(ranked.map((c) => c.provider_id)).not.toContain(elsewhere.id);
  });

  it('when the only technician is fully booked on every day of the requested window, then the provider is not a candidate', async () => {
    const order = await world.order();
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3));
    const isoDay = day.toISOString().slice(0, 10);
    await db.query('UPDATE orders.service_orders SET requested_from = $2, requested_to = $2 WHERE id = $1', [order.id, isoDay]);
    const booked = await world.provider(order.postal, { capacityHours: 8 });
    const free = await world.provider(order.postal, { quality: 0.5 });
    const other = await world.order();
    const assignment = randomUUID();
    await db.query(
      `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, source, status, confirmed_at) VALUES ($1, $2, $3, 'manual', 'cancelled', NOW())`,
      [assignment, other.id, booked.id],
    );
    await db.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status) VALUES ($1, $2, $3, $4, $5, $6, 'booked')`,
      [randomUUID(), other.id, assignment, booked.technicianId, new Date(day.getTime() + 8 * 3600_000), new Date(day.getTime() + 16 * 3600_000)],
    );
    const ranked = await candidatesOf((await find(order.id)).dispatchId);
    expect(ranked.map((c) => c.provider_id)).toEqual([free.id]);
  });

  it('when no provider is eligible, then the count is 0 and the run is left to an operator', async () => {
    const order = await world.order();
    const { dispatchId, candidateCount } = await find(order.id);
    expect(candidateCount).toBe(0);
    expect((await db.query('SELECT status FROM dispatch.dispatches WHERE id = $1', [dispatchId])).rows[0]).toEqual({ status: 'manual' });
  });

  it('when the order is cancelled, then the job raises ORDER_NOT_ACTIVE', async () => {
    const order = await world.order();
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    expect(await postJob(url, job('dispatch-find-candidates', { orderId: order.id }))).toMatchObject({ status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE' } });
  });
});

describe('dispatch-funnel: offers and assignments', () => {
  it('when the policy auto-accepts (ES), then the best candidate is assigned at once and offer.created, offer.accepted, assignment.confirmed are announced', async () => {
    const order = await world.order();
    const provider = await world.provider(order.postal);
    const { dispatchId } = await find(order.id);
    const answer = await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }));
    expect(answer.body.variables).toMatchObject({ offerOutcome: 'assigned', providerId: provider.id });
    const events = await dispatchEvents(order.id);
    expect(events.map((e) => e.type)).toEqual(['ahs.dispatch.offer.created', 'ahs.dispatch.offer.accepted', 'ahs.dispatch.assignment.confirmed']);
    expect(events[0]?.data).toMatchObject({ providerId: provider.id, autoAccepted: true, rank: 1 });
    expect(events[2]?.data).toMatchObject({ providerId: provider.id, source: 'auto-accept', dispatchId });
    expect((await db.query('SELECT provider_id FROM orders.service_orders WHERE id = $1', [order.id])).rows[0]).toEqual({ provider_id: provider.id });
  });

  it('when the policy needs an accept (FR), then one offer is open with the policy deadline, and accepting it confirms the assignment', async () => {
    const order = await world.order('pyxis-created-fr-phone', { skills: ['KITCHEN'] });
    const first = await world.provider(order.postal, { country: 'FR', quality: 0.9, skills: ['KITCHEN'] });
    const second = await world.provider(order.postal, { country: 'FR', quality: 0.5, skills: ['KITCHEN'] });
    const { dispatchId } = await find(order.id);
    const offered = await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }));
    expect(offered.body.variables).toEqual({ offerOutcome: 'offered', offerWait: 'PT14400S', openOffers: 1 });
    const [created] = await dispatchEvents(order.id);
    expect(created?.data).toMatchObject({ providerId: first.id, autoAccepted: false, expiresAt: new Date(now.getTime() + 4 * 3600_000).toISOString() });
    const offerId = String(created?.data.offerId);
    expect(await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }))).toMatchObject({
      body: { variables: { offerOutcome: 'offered', openOffers: 1 } },
    });
    const confirmed = await postJob(url, job('dispatch-confirm-assignment', { orderId: order.id, dispatchId, offerId }));
    expect(confirmed.body.variables).toMatchObject({ providerId: first.id });
    expect((await dispatchEvents(order.id)).map((e) => e.type)).toEqual([
      'ahs.dispatch.offer.created',
      'ahs.dispatch.offer.accepted',
      'ahs.dispatch.assignment.confirmed',
    ]);
    expect(second.id).not.toBe(first.id);
    // The provider is told of the offer, then of the assignment (SMS, by reference, in French).
    const { rows } = await db.query<{ data: { templateId: string; recipient: unknown; locale: string } }>(
      `SELECT data FROM platform.outbox WHERE type = 'ahs.notify.partner-message.requested' AND partition_key = $1 ORDER BY id`,
      [order.id],
    );
    expect(rows.map((r) => [r.data.templateId, r.data.recipient, r.data.locale])).toEqual([
      ['dispatch.offer-received', { kind: 'provider', providerId: first.id, technicianId: null }, 'fr'],
      ['dispatch.assignment-confirmed', { kind: 'provider', providerId: first.id, technicianId: null }, 'fr'],
    ]);
  });

  it('when an accepted offer has expired, then OFFER_NOT_OPEN; a decline excludes the provider and the next candidate is offered', async () => {
    const order = await world.order('pyxis-created-fr-phone', { skills: ['KITCHEN'] });
    const first = await world.provider(order.postal, { country: 'FR', quality: 0.9, skills: ['KITCHEN'] });
    const second = await world.provider(order.postal, { country: 'FR', quality: 0.5, skills: ['KITCHEN'] });
    const { dispatchId } = await find(order.id);
    await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }));
    const offerId = String((await dispatchEvents(order.id))[0]?.data.offerId);
    await db.query(`UPDATE dispatch.offers SET expires_at = $2 WHERE id = $1`, [offerId, new Date(now.getTime() - 1000)]);
    expect(await postJob(url, job('dispatch-confirm-assignment', { orderId: order.id, dispatchId, offerId }))).toMatchObject({
      status: 422,
      body: { errorCode: 'OFFER_NOT_OPEN' },
    });
    expect((await postJob(url, job('dispatch-decline-offer', { orderId: order.id, dispatchId, offerId }))).status).toBe(200);
    expect((await db.query('SELECT reason FROM dispatch.exclusions WHERE service_order_id = $1 AND provider_id = $2', [order.id, first.id])).rows).toEqual([
      { reason: 'declined' },
    ]);
    await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }));
    const offers = (await dispatchEvents(order.id)).filter((e) => e.type === 'ahs.dispatch.offer.created');
    expect(offers.map((e) => e.data.providerId)).toEqual([first.id, second.id]);
  });

  it('when the deadline passes, then the open offers expire (announced) and with no candidate left the run is exhausted', async () => {
    const order = await world.order('pyxis-created-fr-phone', { skills: ['KITCHEN'] });
    const only = await world.provider(order.postal, { country: 'FR', skills: ['KITCHEN'] });
    const { dispatchId } = await find(order.id);
    await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }));
    await db.query(`UPDATE dispatch.offers SET expires_at = $2 WHERE dispatch_id = $1`, [dispatchId, now]);
    expect((await postJob(url, job('dispatch-expire-offers', { orderId: order.id, dispatchId }))).body.variables).toEqual({ expiredOffers: 1 });
    expect((await dispatchEvents(order.id)).at(-1)).toMatchObject({ type: 'ahs.dispatch.offer.expired', data: { providerId: only.id } });
    expect((await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }))).body.variables).toEqual({ offerOutcome: 'exhausted' });
  });

  it('when the operator picks a provider, then a manual assignment is confirmed; an ineligible one raises PROVIDER_NOT_ELIGIBLE; a withdrawal cancels and excludes', async () => {
    const order = await world.order();
    const chosen = await world.provider(order.postal);
    const onboarding = await world.provider(order.postal, { status: 'onboarding' });
    expect(await postJob(url, job('dispatch-assign-manually', { orderId: order.id, providerId: onboarding.id }))).toMatchObject({
      status: 422,
      body: { errorCode: 'PROVIDER_NOT_ELIGIBLE' },
    });
    const manual = await postJob(url, job('dispatch-assign-manually', { orderId: order.id, providerId: chosen.id }));
    expect(manual.status).toBe(200);
    const assignmentId = String((manual.body.variables as { assignmentId: string }).assignmentId);
    await db.query(`UPDATE dispatch.assignments SET technician_id = $2 WHERE id = $1`, [assignmentId, chosen.technicianId]);
    await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = $1`, [order.id]);
    await db.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status) VALUES (gen_random_uuid(), $1, $2, $3, NOW() + INTERVAL '2 days', NOW() + INTERVAL '2 days 3 hours', 'booked')`,
      [order.id, assignmentId, chosen.technicianId],
    );
    expect((await postJob(url, job('dispatch-cancel-assignment', { orderId: order.id }))).status).toBe(200);
    expect((await db.query('SELECT status FROM field.appointments WHERE assignment_id = $1', [assignmentId])).rows).toEqual([{ status: 'cancelled' }]);
    expect((await dispatchEvents(order.id)).map((e) => [e.type, e.data.providerId])).toEqual([
      ['ahs.dispatch.assignment.confirmed', chosen.id],
      ['ahs.dispatch.assignment.cancelled', chosen.id],
    ]);
    expect((await db.query('SELECT reason FROM dispatch.exclusions WHERE service_order_id = $1', [order.id])).rows).toEqual([{ reason: 'withdrew' }]);
    expect((await find(order.id)).candidateCount).toBe(0);
    // The customer's reminder of the cancelled appointment is withdrawn.
    expect((await outboxOf(db, order.id)).filter((e) => e.type === 'ahs.notify.scheduled-message.cancelled').map((e) => e.data)).toEqual([
      { collapseKey: `appointment-reminder:${order.id}`, serviceOrderId: order.id, reason: 'provider-withdrew' },
    ]);
  });

  it('when the operator gives the order to a provider whose offer is open, then that offer is superseded without telling them it was withdrawn; another provider’s open offer is, by SMS', async () => {
    const withdrawnSms = async (orderId: string) =>
      (await outboxOf(db, orderId))
        .filter((e) => e.type === 'ahs.notify.partner-message.requested' && e.data.templateId === 'dispatch.offer-withdrawn')
        .map((e) => [(e.data.recipient as { providerId: string }).providerId, e.data.parameters]);
    const offeredThenManual = async (pick: (offered: { id: string }, other: { id: string }) => { id: string }) => {
      const order = await world.order('pyxis-created-fr-phone', { skills: ['KITCHEN'] });
      const offered = await world.provider(order.postal, { country: 'FR', quality: 0.9, skills: ['KITCHEN'] });
      const other = await world.provider(order.postal, { country: 'FR', quality: 0.5, skills: ['KITCHEN'] });
      const { dispatchId } = await find(order.id);
      await postJob(url, job('dispatch-offer-job', { orderId: order.id, dispatchId }));
      const offerId = String((await dispatchEvents(order.id))[0]?.data.offerId);
      const manual = await postJob(url, job('dispatch-assign-manually', { orderId: order.id, dispatchId, providerId: pick(offered, other).id }));
      expect(manual.status).toBe(200);
      return { order, offered, offerId };
    };
    const toOffered = await offeredThenManual((offered) => offered);
    expect((await dispatchEvents(toOffered.order.id)).map((e) => e.type)).toContain('ahs.dispatch.offer.withdrawn');
    expect(await withdrawnSms(toOffered.order.id)).toEqual([]);
    const toOther = await offeredThenManual((_offered, other) => other);
    expect(await withdrawnSms(toOther.order.id)).toEqual([[toOther.offered.id, { offerId: toOther.offerId, reason: 'superseded' }]]);
  });

  it('when the same job is delivered again, then the first answer is repeated and nothing is offered twice', async () => {
    const order = await world.order();
    await world.provider(order.postal);
    const { dispatchId } = await find(order.id);
    const j = job('dispatch-offer-job', { orderId: order.id, dispatchId });
    const first = await postJob(url, j);
    expect(await postJob(url, j)).toEqual(first);
    expect(await dispatchEvents(order.id)).toHaveLength(3);
  });
});
