import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesOrderCreated } from '../../events';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { buildEvent } from '../../shared/cloudevents/build';
import { toHttpBinary } from '../../shared/cloudevents/http';
import { pyxis } from '../fixtures/sales';
import { unique } from '../support/db';
import { eventually } from '../support/eventually';
import { useIsolatedDatabase } from '../support/isolated-db';
import { freeMeshPorts, spawnMesh, type MeshPorts, type MeshProcess } from '../support/mesh-process';

/**
 * The mesh is killed outright (SIGKILL to `npm start` and every function it runs) in the middle
 * of two technical visits — one waiting for the customer's answer, one waiting for its visit
 * with the SLA timer armed — and started again on the same database: both instances go on
 * where they were, the timer included.
 */
const database = useIsolatedDatabase();
let ports: MeshPorts;
let mesh: MeshProcess | undefined;
const DAY = 24 * 3600_000;

const start = async () => {
  mesh = await spawnMesh({ DATABASE_URL: database.url, MESH_ENGINE_TICK_MS: '100' }, ports);
  return mesh;
};

beforeAll(async () => {
  const { buildAll } = await import('../../esbuild.config.mjs');
  await buildAll();
  ports = await freeMeshPorts();
  await start();
}, 240_000);
afterAll(async () => {
  await mesh?.stop();
}, 60_000);

async function call(method: string, path: string, user: string | undefined, body?: unknown) {
  // Writes carry an Idempotency-Key, as the apps send them (functions that need none ignore it).
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(method === 'POST' ? { 'idempotency-key': `e2e-${randomUUID()}` } : {}) };
  if (user) headers.authorization = `Bearer ${await mesh!.token(user)}`;
  const response = await fetch(`${mesh!.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
}

async function sellKitchen(): Promise<string> {
  const sale = pyxis('pyxis-created', unique());
  const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/sales/pyxis', id: sale.header.messageId }));
  expect((await fetch(`${mesh!.url}/_bus/topics/sales.order.created`, { method: 'POST', headers, body })).status).toBe(202);
  const order = await eventually(async () =>
    (await call('GET', '/service-orders/?limit=100', 'operator-es')).body.items?.find((o) => o.salesOrderId === sale.order.orderNumber),
  );
  return String(order.id);
}

async function scheduledAndAssigned(orderId: string) {
  await eventually(async () => ((await call('GET', `/tv-visits/orders/${orderId}/visit`, 'operator-es')).body.status === 'scheduled' ? true : undefined));
  const assigned = await call('PUT', `/tv-visits/orders/${orderId}/visit/assignment`, 'operator-es', {
    technician: 'tech-0001',
    providerId: DEV_PROVIDER_ID,
    appointmentAt: new Date(Date.now() + DAY).toISOString(),
  });
  expect(assigned.status).toBe(200);
}

/** The instance waits with a timer armed and no job in flight. */
const waiting = (orderId: string) =>
  eventually(async () => {
    const { rows } = await database.db.query<{ timers: Record<string, number>; jobs: Record<string, unknown> }>(
      `SELECT timers, jobs FROM engine.instances WHERE correlation_key = $1 AND state = 'ACTIVE'`,
      [orderId],
    );
    return rows[0] && Object.keys(rows[0].timers).length > 0 && Object.keys(rows[0].jobs).length === 0 ? true : undefined;
  });

const installation = (orderId: string, status: string) =>
  eventually(async () => ((await call('GET', `/tv-visits/orders/${orderId}/visit`, 'operator-es')).body.installationStatus === status ? true : undefined));

const completed = (orderId: string) =>
  eventually(async () => {
    const { rows } = await database.db.query<{ state: string }>(`SELECT state FROM engine.instances WHERE correlation_key = $1`, [orderId]);
    return rows[0]?.state === 'COMPLETED' ? true : undefined;
  });

describe('technical visits across a crash of the mesh', { timeout: 240_000 }, () => {
  it('when the mesh is killed mid-flow and started again, then each instance continues where it was, timers included', async () => {
    // One TV waits for the customer's answer, the other for its visit (SLA timer armed).
    const answering = await sellKitchen();
    await scheduledAndAssigned(answering);
    const outcome = await call('POST', `/tv-visits/orders/${answering}/visit/outcome`, 'technician', {
      outcome: 'YES_BUT',
      adjustments: { lines: [{ change: 'add', description: 'Reinforce the wall bracket' }], extraCost: { amountMinor: 9_000, currency: 'EUR' } },
    });
    expect(outcome.status).toBe(200);
    const overdue = await sellKitchen();
    await scheduledAndAssigned(overdue);
    await Promise.all([waiting(answering), waiting(overdue)]);
    const { rows: links } = await database.db.query<{ data: { parameters: Record<string, string> } }>(
      `SELECT data FROM platform.outbox WHERE type = 'ahs.notify.message.requested' AND partition_key = $1`,
      [answering],
    );
    const link = Object.values(links[0]!.data.parameters).find((v) => typeof v === 'string' && v.includes('/answers/'))!;

    await mesh!.kill();
    await start();

    // The customer answers after the restart: the instance that waited for it moves on.
    expect((await call('POST', new URL(link).pathname, undefined, { accepted: true })).status).toBe(200);
    await installation(answering, 'ready');
    await completed(answering);

    // The SLA timer armed before the crash fires when its time comes (clock moved, no waiting).
    const pin = await fetch(`${mesh!.engineUrl}/v2/clock`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timestamp: Date.now() + 6 * DAY }),
    });
    expect(pin.status).toBe(204);
    const task = await eventually(async () =>
      (await call('GET', '/operator-tasks/tasks', 'operator-es')).body.items?.find((t) => t.element === 'chase-overdue-visit'),
    );
    expect(task).toMatchObject({ scope: { country: 'ES' } });
    await fetch(`${mesh!.engineUrl}/v2/clock/reset`, { method: 'POST' });
    expect((await call('POST', `/tv-visits/orders/${overdue}/visit/outcome`, 'technician', { outcome: 'NO' })).status).toBe(200);
    await installation(overdue, 'cancelled');
  });
});
