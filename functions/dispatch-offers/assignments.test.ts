import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_B_ID, DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { seedAssignment, seedTechnician, startDispatchOffersHarness, TECH_0001, TECH_0002 } from './testing';

const { db, sell, call, messagesFor } = await startDispatchOffersHarness();

async function liveAssignment(providerId = DEV_PROVIDER_ID, status: 'confirmed' | 'cancelled' = 'confirmed') {
  const order = await sell();
  return { orderId: order.id, assignmentId: await seedAssignment(db, order.id, { providerId, status }) };
}
const technicianOf = async (assignmentId: string) =>
  (await db.query<{ technician_id: string | null }>('SELECT technician_id FROM dispatch.assignments WHERE id = $1', [assignmentId])).rows[0]?.technician_id;

describe('dispatch-offers GET /assignments', () => {
  it("when provider staff list assignments, then they get their provider's live ones with order summary and technician", async () => {
    const { orderId, assignmentId } = await liveAssignment();
    await db.query('UPDATE dispatch.assignments SET technician_id = $2 WHERE id = $1', [assignmentId, TECH_0001]);
    const cancelled = await liveAssignment(DEV_PROVIDER_ID, 'cancelled');
    const theirs = await liveAssignment(DEV_PROVIDER_B_ID);
    const answer = await call('GET', '/assignments', 'provider-admin');
    expect(answer.status).toBe(200);
    const ids = (answer.body.assignments as { assignmentId: string }[]).map((a) => a.assignmentId);
    expect(ids).toContain(assignmentId);
    expect(ids).not.toContain(cancelled.assignmentId);
    expect(ids).not.toContain(theirs.assignmentId);
    expect((answer.body.assignments as { assignmentId: string }[]).find((a) => a.assignmentId === assignmentId)).toMatchObject({
      status: 'confirmed',
      source: 'offer',
      technician: { technicianId: TECH_0001, displayName: 'Javier Ortega' },
      order: { serviceOrderId: orderId },
    });
  });
});

describe('dispatch-offers POST /assignments/:assignmentId/withdraw', () => {
  it('when the provider admin withdraws a live assignment, then the provider is excluded and the workflow told to re-dispatch', async () => {
    const { orderId, assignmentId } = await liveAssignment();
    const answer = await call('POST', `/assignments/${assignmentId}/withdraw`, 'provider-admin', { reasonCode: 'NO_CAPACITY' });
    expect(answer).toMatchObject({ status: 200, body: { assignmentId, serviceOrderId: orderId, status: 'withdrawal-requested' } });
    expect(await messagesFor(orderId)).toEqual([
      { name: 'dispatch-assignment-withdrawn', correlationKey: orderId, messageId: `withdrawn:${assignmentId}`, variables: { assignmentId } },
    ]);
    const { rows } = await db.query('SELECT provider_id, reason FROM dispatch.exclusions WHERE service_order_id = $1', [orderId]);
    expect(rows).toEqual([{ provider_id: DEV_PROVIDER_ID, reason: 'withdrew:NO_CAPACITY' }]);
    // Cancelled at once: nothing more can be done on it, and the event says so.
    const {
      rows: [assignment],
    } = await db.query('SELECT status, cancel_reason FROM dispatch.assignments WHERE id = $1', [assignmentId]);
    expect(assignment).toEqual({ status: 'cancelled', cancel_reason: 'provider-withdrew' });
    const { rows: events } = await db.query<{ data: unknown }>(
      `SELECT data FROM platform.outbox WHERE type = 'ahs.dispatch.assignment.cancelled' AND partition_key = $1`,
      [orderId],
    );
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ assignmentId, providerId: DEV_PROVIDER_ID, reason: 'provider-withdrew' })]);
    expect(await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: TECH_0001 })).toMatchObject({
      status: 409,
      body: { reason: 'assignment-not-live' },
    });
    expect(await call('POST', `/assignments/${assignmentId}/withdraw`, 'provider-admin', { reasonCode: 'OTHER' })).toMatchObject({
      status: 409,
      body: { reason: 'assignment-not-live' },
    });
  });

  it('when a technician has already checked in on the job, then 409 work-started and nothing changes', async () => {
    const { orderId, assignmentId } = await liveAssignment();
    await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = $1`, [orderId]);
    await db.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status)
       VALUES ($1, $2, $3, $4, NOW(), NOW() + INTERVAL '2 hours', 'checked-in')`,
      [randomUUID(), orderId, assignmentId, TECH_0001],
    );
    expect(await call('POST', `/assignments/${assignmentId}/withdraw`, 'provider-admin', { reasonCode: 'OTHER' })).toMatchObject({
      status: 409,
      body: { reason: 'work-started' },
    });
    const {
      rows: [assignment],
    } = await db.query('SELECT status FROM dispatch.assignments WHERE id = $1', [assignmentId]);
    expect(assignment).toEqual({ status: 'confirmed' });
    expect(await messagesFor(orderId)).toEqual([]);
  });

  it('when the assignment is no longer live, then 409 assignment-not-live; a bad reason code, then 400 naming reasonCode', async () => {
    const { orderId, assignmentId } = await liveAssignment(DEV_PROVIDER_ID, 'cancelled');
    expect(await call('POST', `/assignments/${assignmentId}/withdraw`, 'provider-admin', { reasonCode: 'OTHER' })).toMatchObject({
      status: 409,
      body: { reason: 'assignment-not-live' },
    });
    expect(await call('POST', `/assignments/${assignmentId}/withdraw`, 'provider-admin', { reasonCode: 'LAZY' })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'reasonCode' }] },
    });
    expect(await messagesFor(orderId)).toEqual([]);
  });
});

describe('dispatch-offers PUT /assignments/:assignmentId/technician', () => {
  it('when the provider admin assigns one of their active, skilled technicians, then 200 and the assignment names them', async () => {
    const { assignmentId } = await liveAssignment();
    const answer = await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: TECH_0001 });
    expect(answer).toMatchObject({ status: 200, body: { assignmentId, technician: { technicianId: TECH_0001, displayName: 'Javier Ortega' } } });
    expect(await technicianOf(assignmentId)).toBe(TECH_0001);
    const { rows } = await db.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM platform.outbox WHERE type = 'ahs.notify.partner-message.requested' AND partition_key = (SELECT service_order_id::text FROM dispatch.assignments WHERE id = $1)`,
      [assignmentId],
    );
    expect(rows.map((r) => r.data)).toEqual([
      expect.objectContaining({
        recipient: { kind: 'technician', providerId: DEV_PROVIDER_ID, technicianId: TECH_0001 },
        templateId: 'dispatch.job-assigned',
        channel: 'sms',
      }),
    ]);
  });

  it('when the technician belongs to another provider, then 404 naming technicianId and nothing changes', async () => {
    const { assignmentId } = await liveAssignment();
    const answer = await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: TECH_0002 });
    expect(answer).toMatchObject({ status: 404, body: { error: 'not_found', message: expect.stringContaining('technicianId') as unknown } });
    expect(await technicianOf(assignmentId)).toBeNull();
    expect((await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: randomUUID() })).status).toBe(404);
  });

  it('when the technician lacks a skill the order needs, then 409 missing-skills; inactive, then 409 technician-inactive', async () => {
    const { orderId, assignmentId } = await liveAssignment();
    const {
      rows: [order],
    } = await db.query<{ skills: string[] }>('SELECT skills FROM orders.service_orders WHERE id = $1', [orderId]);
    expect(order!.skills.length).toBeGreaterThan(0);
    const unskilled = await seedTechnician(db, DEV_PROVIDER_ID, { skills: order!.skills.slice(1) });
    const inactive = await seedTechnician(db, DEV_PROVIDER_ID, { skills: order!.skills, active: false });
    const missing = await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: unskilled });
    expect(missing).toMatchObject({ status: 409, body: { reason: 'missing-skills', message: expect.stringContaining(order!.skills[0]!) as unknown } });
    expect(await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: inactive })).toMatchObject({
      status: 409,
      body: { reason: 'technician-inactive' },
    });
    expect(await technicianOf(assignmentId)).toBeNull();
  });

  it('when the assignment is cancelled, then 409 assignment-not-live; a body without technicianId, then 400 naming it', async () => {
    const { assignmentId } = await liveAssignment(DEV_PROVIDER_ID, 'cancelled');
    expect(await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technicianId: TECH_0001 })).toMatchObject({
      status: 409,
      body: { reason: 'assignment-not-live' },
    });
    expect(await call('PUT', `/assignments/${assignmentId}/technician`, 'provider-admin', { technician: TECH_0001 })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'technicianId' }] },
    });
  });
});
