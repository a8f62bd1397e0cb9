import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { salesOrderCreated } from '../../events';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { buildEvent } from '../../shared/cloudevents/build';
import { toHttpBinary } from '../../shared/cloudevents/http';
import { pyxis } from '../fixtures/sales';
import { unique } from '../support/db';
import { eventually } from '../support/eventually';
import { startTestMesh } from '../support/mesh';

/**
 * Every path of bpmn/technical-visit.bpmn on the local mesh, driven as the people drive it:
 * the sales system publishes a sale, the operator assigns the visit, the technician records
 * the outcome from the app, the customer answers through the link of the message they got,
 * the operator works the overdue-visit task. The embedded engine runs the model with the real
 * worker functions; timers are moved by pinning the engine's clock (Camunda's clock API).
 */
const mesh = await startTestMesh();
const db = new pg.Pool({ connectionString: mesh.databaseUrl, max: 2 });
afterAll(() => db.end());
const DAY = 24 * 3600_000;

async function call(method: string, path: string, user: string | undefined, body?: unknown) {
  // Writes carry an Idempotency-Key, as the apps send them (functions that need none ignore it).
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(method === 'POST' ? { 'idempotency-key': `e2e-${randomUUID()}` } : {}) };
  if (user) headers.authorization = `Bearer ${await mesh.token(user)}`;
  const response = await fetch(`${mesh.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
}

async function pinClock(at: number | 'reset') {
  const response =
    at === 'reset'
      ? await fetch(`${mesh.engineUrl}/v2/clock/reset`, { method: 'POST' })
      : await fetch(`${mesh.engineUrl}/v2/clock`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timestamp: at }) });
  expect(response.status).toBe(204);
}
afterEach(() => pinClock('reset'));

/** A kitchen installation sold in a Madrid store: its product needs a technical visit. */
async function sellKitchen(): Promise<string> {
  const sale = pyxis('pyxis-created', unique());
  const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/sales/pyxis', id: sale.header.messageId }));
  expect((await fetch(`${mesh.url}/_bus/topics/sales.order.created`, { method: 'POST', headers, body })).status).toBe(202);
  const order = await eventually(async () =>
    (await call('GET', '/service-orders/?limit=100', 'operator-es')).body.items?.find((o) => o.salesOrderId === sale.order.orderNumber),
  );
  return String(order.id);
}

const visitOf = (orderId: string, user = 'operator-es') => call('GET', `/tv-visits/orders/${orderId}/visit`, user);

/** The TV has started and its visit is scheduled; the operator gives it to the dev technician. */
async function scheduledAndAssigned(orderId: string) {
  const visit = await eventually(async () => {
    const answer = await visitOf(orderId);
    return answer.status === 200 && answer.body.status === 'scheduled' ? answer.body : undefined;
  });
  expect(visit.installationStatus).toBe('awaiting-tv');
  const assigned = await call('PUT', `/tv-visits/orders/${orderId}/visit/assignment`, 'operator-es', {
    technician: 'tech-0001',
    providerId: DEV_PROVIDER_ID,
    appointmentAt: new Date(Date.now() + 2 * DAY).toISOString(),
  });
  expect(assigned.status).toBe(200);
}

const recordOutcome = (orderId: string, body: unknown, user = 'technician') => call('POST', `/tv-visits/orders/${orderId}/visit/outcome`, user, body);

async function instanceState(orderId: string) {
  const { rows } = await db.query<{ state: string }>(`SELECT state FROM engine.instances WHERE bpmn_process_id = 'technical-visit' AND correlation_key = $1`, [
    orderId,
  ]);
  return rows[0]?.state;
}

/** The instance waits with its timer armed and no job in flight (so moving the clock is meaningful). */
const timerArmed = (orderId: string) =>
  eventually(async () => {
    const { rows } = await db.query<{ timers: Record<string, number>; jobs: Record<string, unknown> }>(
      `SELECT timers, jobs FROM engine.instances WHERE bpmn_process_id = 'technical-visit' AND correlation_key = $1 AND state = 'ACTIVE'`,
      [orderId],
    );
    const row = rows[0];
    return row && Object.keys(row.timers).length > 0 && Object.keys(row.jobs).length === 0 ? true : undefined;
  });

const completed = (orderId: string) => eventually(async () => ((await instanceState(orderId)) === 'COMPLETED' ? true : undefined));

async function outboxTypes(orderId: string) {
  const { rows } = await db.query<{ type: string; data: Record<string, unknown> }>(
    'SELECT type, data FROM platform.outbox WHERE partition_key = $1 ORDER BY id',
    [orderId],
  );
  return rows;
}

/** What the customer received: the answer link in the approval message (`npm run inbox`). */
async function answerLink(orderId: string): Promise<string> {
  const message = await eventually(async () =>
    (await outboxTypes(orderId)).find((e) => e.type === 'ahs.notify.message.requested' && String(e.data.templateId).startsWith('tv.adjustments')),
  );
  const parameters = message.data.parameters as Record<string, string>;
  const link = Object.values(parameters).find((v) => typeof v === 'string' && v.includes('/tv-customer-answers/answers/'));
  expect(link).toBeDefined();
  return link!;
}

const adjustments = {
  lines: [{ change: 'add', description: 'Move the water inlet 40 cm to the left', quantity: 1 }],
  extraCost: { amountMinor: 18_000, currency: 'EUR' },
};

async function installation(orderId: string, status: 'ready' | 'cancelled') {
  return eventually(async () => {
    const visit = await visitOf(orderId);
    return visit.body.installationStatus === status ? visit.body : undefined;
  });
}

describe('technical visit on the local mesh', { timeout: 120_000 }, () => {
  it('when the technician records YES, then the installation is unblocked and the workflow completes', async () => {
    const orderId = await sellKitchen();
    await scheduledAndAssigned(orderId);
    expect((await recordOutcome(orderId, { outcome: 'YES', notes: 'all good' })).status).toBe(200);
    await installation(orderId, 'ready');
    await completed(orderId);
    const types = (await outboxTypes(orderId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ahs.tv.visit.scheduled', 'ahs.tv.visit.completed', 'ahs.orders.installation.unblocked']));
    expect(types).not.toContain('ahs.orders.installation.cancelled');
    // No pending TV any more: a second outcome is refused.
    expect(await recordOutcome(orderId, { outcome: 'NO' })).toMatchObject({ status: 409, body: { reason: 'no-pending-visit' } });
  });

  it('when the outcome is YES_BUT and the customer accepts the adjustments, then the installation is unblocked', async () => {
    const orderId = await sellKitchen();
    await scheduledAndAssigned(orderId);
    expect((await recordOutcome(orderId, { outcome: 'YES_BUT', adjustments })).status).toBe(200);
    const link = new URL(await answerLink(orderId));
    const asked = await call('GET', link.pathname, undefined);
    expect(asked).toMatchObject({ status: 200, body: { adjustments: { extraCost: { amountMinor: 18_000, currency: 'EUR' } } } });
    expect((await call('POST', link.pathname, undefined, { accepted: true })).status).toBe(200);
    await installation(orderId, 'ready');
    await completed(orderId);
  });

  it('when the customer refuses the adjustments, then the installation is cancelled, a refund requested and the customer informed', async () => {
    const orderId = await sellKitchen();
    await scheduledAndAssigned(orderId);
    expect((await recordOutcome(orderId, { outcome: 'YES_BUT', adjustments })).status).toBe(200);
    const link = new URL(await answerLink(orderId));
    expect((await call('POST', link.pathname, undefined, { accepted: false, comment: 'too expensive' })).status).toBe(200);
    await installation(orderId, 'cancelled');
    await completed(orderId);
    const events = await outboxTypes(orderId);
    expect(events.find((e) => e.type === 'ahs.orders.installation.cancelled')?.data).toMatchObject({ reason: 'adjustments-refused' });
    expect(events.map((e) => e.type)).toContain('ahs.orders.refund.requested');
  });

  it('when the customer does not answer before the deadline, then the installation is cancelled (timer, no real waiting)', async () => {
    const orderId = await sellKitchen();
    await scheduledAndAssigned(orderId);
    expect((await recordOutcome(orderId, { outcome: 'YES_BUT', adjustments })).status).toBe(200);
    const link = new URL(await answerLink(orderId));
    await timerArmed(orderId);
    await pinClock(Date.now() + 8 * DAY);
    await installation(orderId, 'cancelled');
    await completed(orderId);
    expect((await outboxTypes(orderId)).find((e) => e.type === 'ahs.orders.installation.cancelled')?.data).toMatchObject({ reason: 'adjustments-unanswered' });
    // Too late now: the answer is refused with its reason.
    await pinClock('reset');
    expect(await call('POST', link.pathname, undefined, { accepted: true })).toMatchObject({ status: 409 });
  });

  it('when the technician records NO, then the installation is cancelled, a refund requested and the customer informed', async () => {
    const orderId = await sellKitchen();
    await scheduledAndAssigned(orderId);
    expect((await recordOutcome(orderId, { outcome: 'NO', notes: 'load-bearing wall' })).status).toBe(200);
    await installation(orderId, 'cancelled');
    await completed(orderId);
    const events = await outboxTypes(orderId);
    expect(events.find((e) => e.type === 'ahs.orders.installation.cancelled')?.data).toMatchObject({ reason: 'tv-negative' });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ahs.orders.refund.requested', 'ahs.notify.message.requested']));
  });

  it("when the visit is overdue, then an operator of the order's country gets a task, claims and completes it; the TV still completes", async () => {
    const orderId = await sellKitchen();
    await scheduledAndAssigned(orderId);
    await timerArmed(orderId);
    await pinClock(Date.now() + 6 * DAY);
    const task = await eventually(async () => {
      const list = await call('GET', '/operator-tasks/tasks', 'operator-es');
      return list.body.items?.find((t) => t.processInstanceKey && t.element === 'chase-overdue-visit' && (t.scope as { country?: string }).country === 'ES');
    });
    expect((await call('GET', '/operator-tasks/tasks', 'operator-fr')).body.items?.some((t) => t.key === task.key)).toBe(false);
    expect((await call('POST', `/operator-tasks/tasks/${String(task.key)}/claim`, 'operator-fr')).status).toBe(404);
    expect((await call('POST', `/operator-tasks/tasks/${String(task.key)}/claim`, 'operator-es')).status).toBe(200);
    expect(
      (await call('POST', `/operator-tasks/tasks/${String(task.key)}/complete`, 'operator-es', { variables: { chaseNote: 'provider called' } })).status,
    ).toBe(200);
    expect((await recordOutcome(orderId, { outcome: 'YES' })).status).toBe(200);
    await installation(orderId, 'ready');
    await completed(orderId);
  });

  it('when an outcome value is unknown or another technician tries, then 400 / 404 and the visit stays pending', async () => {
    const orderId = await sellKitchen();
    await scheduledAndAssigned(orderId);
    const unknown = await recordOutcome(orderId, { outcome: 'MAYBE' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('outcome');
    expect((await recordOutcome(orderId, { outcome: 'YES' }, 'provider-admin')).status).toBe(403);
    expect((await visitOf(orderId)).body.status).toBe('scheduled');
  });
});
