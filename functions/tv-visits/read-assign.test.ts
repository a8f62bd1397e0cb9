import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { seedVisit } from '../../test/support/tv';
import { startTvVisitsHarness } from './testing';

const { db, identity, sell, call } = await startTvVisitsHarness();
const appointmentAt = '2027-01-08T09:00:00.000Z';
const assignment = (over: Record<string, unknown> = {}) => ({ technician: 'tech-0001', providerId: DEV_PROVIDER_ID, appointmentAt, ...over });

describe('tv-visits GET /orders/:orderId/visit', () => {
  it("when an operator of the order's country reads its visit, then 200 with status, due date and installation status", async () => {
    const order = await sell();
    const visitId = await seedVisit(db, order.id);
    const answer = await call('GET', `/orders/${order.id}/visit`, await identity.bearer('operator-es'));
    expect(answer).toMatchObject({
      status: 200,
      body: { visitId, serviceOrderId: order.id, status: 'scheduled', installationStatus: 'awaiting-tv', assignment: null, outcome: null, adjustments: null },
    });
  });

  it('when an operator of another country reads it, then 404 as if it did not exist', async () => {
    const order = await sell();
    await seedVisit(db, order.id);
    for (const user of ['operator-fr', 'operator-it'] as const) {
      expect(await call('GET', `/orders/${order.id}/visit`, await identity.bearer(user))).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
  });

  it('when provider staff read a visit, then 404 until it is assigned to their provider / to the technician, then 200', async () => {
    const order = await sell();
    await seedVisit(db, order.id);
    const admin = await identity.bearer('provider-admin');
    const technician = await identity.bearer('technician');
    expect((await call('GET', `/orders/${order.id}/visit`, admin)).status).toBe(404);
    expect((await call('GET', `/orders/${order.id}/visit`, technician)).status).toBe(404);
    expect((await call('PUT', `/orders/${order.id}/visit/assignment`, await identity.bearer('operator-es'), assignment())).status).toBe(200);
    expect(await call('GET', `/orders/${order.id}/visit`, admin)).toMatchObject({
      status: 200,
      body: { assignment: { technician: 'tech-0001', providerId: DEV_PROVIDER_ID } },
    });
    expect(await call('GET', `/orders/${order.id}/visit`, technician)).toMatchObject({ status: 200, body: { assignment: { appointmentAt } } });
  });

  it('when the visit is assigned to another technician of the same provider, then the technician gets 404', async () => {
    const order = await sell();
    await seedVisit(db, order.id, { technician: 'tech-0002', providerId: DEV_PROVIDER_ID });
    expect((await call('GET', `/orders/${order.id}/visit`, await identity.bearer('technician'))).status).toBe(404);
    expect((await call('GET', `/orders/${order.id}/visit`, await identity.bearer('provider-admin'))).status).toBe(200);
  });

  it('when the order has no visit, or does not exist, then 404', async () => {
    const order = await sell();
    const admin = await identity.bearer('admin');
    expect((await call('GET', `/orders/${order.id}/visit`, admin)).status).toBe(404);
    expect((await call('GET', `/orders/${randomUUID()}/visit`, admin)).status).toBe(404);
  });
});

describe('tv-visits PUT /orders/:orderId/visit/assignment', () => {
  it('when an operator in scope assigns a technician, then 200 and the assignment is stored with who made it', async () => {
    const order = await sell();
    const visitId = await seedVisit(db, order.id);
    const answer = await call('PUT', `/orders/${order.id}/visit/assignment`, await identity.bearer('operator-es'), assignment());
    expect(answer).toMatchObject({ status: 200, body: { visitId, assignment: { technician: 'tech-0001', providerId: DEV_PROVIDER_ID, appointmentAt } } });
    const {
      rows: [row],
    } = await db.query('SELECT assigned_by FROM tv.visits WHERE id = $1', [visitId]);
    expect(row).toEqual({ assigned_by: 'op-es-0001' });
  });

  it('when an operator of another country assigns, then 404', async () => {
    const order = await sell();
    await seedVisit(db, order.id);
    expect((await call('PUT', `/orders/${order.id}/visit/assignment`, await identity.bearer('operator-fr'), assignment())).status).toBe(404);
  });

  it('when a provider admin assigns within their own provider, then 200; for another provider, then 403', async () => {
    const order = await sell();
    await db.query('UPDATE orders.service_orders SET provider_id = $2 WHERE id = $1', [order.id, DEV_PROVIDER_ID]);
    await seedVisit(db, order.id);
    const admin = await identity.bearer('provider-admin');
    expect(await call('PUT', `/orders/${order.id}/visit/assignment`, admin, assignment({ providerId: randomUUID() }))).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    // A second technician of the same provider.
    const colleague = `tech-${randomUUID().slice(0, 8)}`;
    await db.query(`INSERT INTO dispatch.technicians (id, provider_id, subject, display_name) VALUES ($1, $2, $3, 'Colleague')`, [
      randomUUID(),
      DEV_PROVIDER_ID,
      colleague,
    ]);
    expect(await call('PUT', `/orders/${order.id}/visit/assignment`, admin, assignment({ technician: colleague }))).toMatchObject({
      status: 200,
      body: { assignment: { technician: colleague, providerId: DEV_PROVIDER_ID } },
    });
  });

  it('when the technician does not work for the provider named, then 404 naming technician and nothing changes; an inactive one 409', async () => {
    const order = await sell();
    const visitId = await seedVisit(db, order.id);
    const operator = await identity.bearer('operator-es');
    // tech-0002 works for provider B, not for the dev provider.
    expect(await call('PUT', `/orders/${order.id}/visit/assignment`, operator, assignment({ technician: 'tech-0002' }))).toMatchObject({
      status: 404,
      body: { message: expect.stringContaining('technician') as string },
    });
    expect(await call('PUT', `/orders/${order.id}/visit/assignment`, operator, assignment({ providerId: randomUUID() }))).toMatchObject({ status: 404 });
    const {
      rows: [row],
    } = await db.query('SELECT technician_subject FROM tv.visits WHERE id = $1', [visitId]);
    expect(row).toEqual({ technician_subject: null });
    const retired = `tech-${randomUUID().slice(0, 8)}`;
    await db.query(`INSERT INTO dispatch.technicians (id, provider_id, subject, display_name, active) VALUES ($1, $2, $3, 'Retired', FALSE)`, [
      randomUUID(),
      DEV_PROVIDER_ID,
      retired,
    ]);
    expect(await call('PUT', `/orders/${order.id}/visit/assignment`, operator, assignment({ technician: retired }))).toMatchObject({
      status: 409,
      body: { reason: 'technician-inactive' },
    });
  });

  it("when a provider admin assigns a visit of an order that is not their provider's, then 404", async () => {
    const order = await sell();
    await seedVisit(db, order.id);
    expect((await call('PUT', `/orders/${order.id}/visit/assignment`, await identity.bearer('provider-admin'), assignment())).status).toBe(404);
  });

  it('when the visit is already completed, then 409 no-pending-visit', async () => {
    const order = await sell();
    await seedVisit(db, order.id, { status: 'completed', technician: 'tech-0001', providerId: DEV_PROVIDER_ID });
    expect(await call('PUT', `/orders/${order.id}/visit/assignment`, await identity.bearer('operator-es'), assignment())).toMatchObject({
      status: 409,
      body: { reason: 'no-pending-visit' },
    });
  });

  it('when a technician tries to assign, then 403; when the body is incomplete, then 400 naming the field', async () => {
    const order = await sell();
    await seedVisit(db, order.id);
    expect((await call('PUT', `/orders/${order.id}/visit/assignment`, await identity.bearer('technician'), assignment())).status).toBe(403);
    const bad = await call('PUT', `/orders/${order.id}/visit/assignment`, await identity.bearer('operator-es'), {
      technician: 'tech-0001',
      providerId: DEV_PROVIDER_ID,
    });
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ field: 'appointmentAt' }] } });
  });
});
