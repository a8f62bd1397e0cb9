import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobWorkers, messages, type TaskType } from '../../bpmn/contract';
import { loadModels } from '../../bpmn/models';
import { installationUnblocked } from '../../events';
import { EngineClock } from '../../mesh/engine/clock';
import { EmbeddedEngine } from '../../mesh/engine/engine';
import type { Db } from '../../shared/db';
import { durationMs } from '../../shared/workflow/duration';
import { eventually } from '../../test/support/eventually';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { useIsolatedDatabase } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages } from '../../test/support/tv';
import { dispatchStartFunction } from '../dispatch-start/function';
import { dispatchFunnelFunction } from './function';
import { settings, useDispatchWorld } from './testing';

// The funnel's paths end to end: bpmn/assignment.bpmn in the embedded engine, with the real
// dispatch-start and dispatch-funnel functions (in-process servers) on an isolated database.
// Offer deadlines are shortened by configuration (PT1H) and reached by pinning the engine clock,
// which is also the functions' clock: no real waiting.

const database = useIsolatedDatabase();
const db = new Proxy({} as Db, {
  get: (_target, key) => {
    const real = database.db as unknown as Record<string | symbol, unknown>;
    const value = real[key];
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});
const clock = new EngineClock();
const now = () => new Date(clock.now());
const logger = memoryLogger();
const world = useDispatchWorld(db);
const funnelUrl = await startFunction('dispatch-funnel', dispatchFunnelFunction({ db, logger, settings: { ...settings, offerTimeout: 'PT1H' }, clock: now }));
const startUrl = await startFunction('dispatch-start', dispatchStartFunction({ db, logger, clock: now }));
let engine: EmbeddedEngine;

beforeAll(async () => {
  engine = await EmbeddedEngine.start({
    db,
    models: loadModels(),
    logger,
    clock,
    tickMs: 25,
    dispatchTimeoutMs: 5_000,
    workerUrl: (type) => (jobWorkers[type as TaskType] === 'dispatch-funnel' ? funnelUrl : undefined),
  });
});
afterAll(() => engine.stop());
afterEach(() => clock.reset());

const relayed = new Set<string>();
/** What workflow-messages does: the messages functions requested (outbox) reach the engine. */
async function relayMessages(orderId: string) {
  for (const m of await requestedMessages(db, orderId)) {
    if (!m.messageId || relayed.has(m.messageId)) continue;
    relayed.add(m.messageId);
    await engine.publishMessage({
      name: m.name,
      correlationKey: m.correlationKey,
      variables: m.variables,
      messageId: m.messageId,
      timeToLiveMs: durationMs(messages.dispatchRequested.timeToLive),
    });
  }
}
/** The installation gate announced orders.installation.unblocked; dispatch-start hears it. */
async function unblocked(orderId: string) {
  const answer = await postEvent(
    startUrl,
    cloudEvent({
      type: installationUnblocked.type,
      source: '/functions/orders-installation-gate',
      data: { serviceOrderId: orderId, visitId: orderId, unblockedAt: now().toISOString() },
    }),
  );
  await relayMessages(orderId);
  return answer.body;
}
const answer = (orderId: string, offerId: string, verdict: 'accepted' | 'declined') =>
  engine.publishMessage({
    name: messages.dispatchOfferAnswered.name,
    correlationKey: orderId,
    variables: { offerId, answer: verdict },
    messageId: `offer-answer:${offerId}`,
    timeToLiveMs: 3_600_000,
  });
const withdraw = (orderId: string, assignmentId: string) =>
  engine.publishMessage({
    name: messages.dispatchAssignmentWithdrawn.name,
    correlationKey: orderId,
    variables: { assignmentId },
    messageId: `withdrawn:${assignmentId}`,
    timeToLiveMs: 3_600_000,
  });
const closeOrder = (orderId: string, closure: 'cancelled' | 'worked') =>
  engine.publishMessage({
    name: messages.dispatchOrderClosed.name,
    correlationKey: orderId,
    variables: { closure },
    messageId: `order-closed:${orderId}`,
    timeToLiveMs: 3_600_000,
  });
/** The funnel instance of an order, once it has ended. */
const ended = (orderId: string) => eventually(async () => ((await waitingFor(orderId)) === 'COMPLETED' ? 'COMPLETED' : undefined), 10_000, 25);
/** The events of `type` the funnel's workers announced for an order. */
const announced = async (orderId: string, type: string) =>
  (
    await db.query<{ data: Record<string, unknown> }>('SELECT data FROM platform.outbox WHERE type = $1 AND partition_key = $2 ORDER BY id', [type, orderId])
  ).rows.map((r) => r.data);

/** The offers of an order (oldest first), once there are `count`. */
const offers = (orderId: string, count: number) =>
  eventually(
    async () => {
      await engine.idle();
      const { rows } = await db.query<{ id: string; provider_id: string; status: string }>(
        'SELECT id, provider_id, status FROM dispatch.offers WHERE service_order_id = $1 ORDER BY created_at, id',
        [orderId],
      );
      return rows.length >= count ? rows : undefined;
    },
    10_000,
    25,
  );
/** The live assignment of an order, once there is one (for `providerId` when given). */
const assignment = (orderId: string, providerId?: string) =>
  eventually(
    async () => {
      await engine.idle();
      const {
        rows: [row],
      } = await db.query<{ id: string; provider_id: string; source: string }>(
        `SELECT id, provider_id, source FROM dispatch.assignments WHERE service_order_id = $1 AND status = 'confirmed'`,
        [orderId],
      );
      return row && (!providerId || row.provider_id === providerId) ? row : undefined;
    },
    10_000,
    25,
  );
const waitingFor = async (orderId: string) => {
  await engine.idle();
  const {
    rows: [row],
  } = await db.query<{ state: string }>('SELECT state FROM engine.instances WHERE correlation_key = $1', [orderId]);
  return row?.state;
};
const frOrder = () => world.order('pyxis-created-fr-phone', { skills: ['KITCHEN'] });
const frProvider = (postal: string, quality: number) => world.provider(postal, { country: 'FR', quality, skills: ['KITCHEN'] });
/** An FR order with two candidates, offered to both at once (FR policy: two parallel offers). */
async function frOrderWithParallelOffers(run: (order: Awaited<ReturnType<typeof frOrder>>, a: { id: string }, b: { id: string }) => Promise<void>) {
  const order = await frOrder();
  const a = await frProvider(order.postal, 0.9);
  const b = await frProvider(order.postal, 0.5);
  await db.query(`UPDATE dispatch.auto_accept_policies SET parallel_offers = 2 WHERE country_code = 'FR'`);
  try {
    await run(order, a, b);
  } finally {
    await db.query(`UPDATE dispatch.auto_accept_policies SET parallel_offers = 1 WHERE country_code = 'FR'`);
  }
}

describe('the dispatch funnel (bpmn/assignment.bpmn) on the embedded engine', () => {
  it('when the first candidate accepts (FR, manual accept), then it is assigned and the funnel waits for a withdrawal', async () => {
    const order = await frOrder();
    const best = await frProvider(order.postal, 0.9);
    await frProvider(order.postal, 0.5);
    expect(await unblocked(order.id)).toMatchObject({ result: 'applied' });
    const [offer] = await offers(order.id, 1);
    expect(offer).toMatchObject({ provider_id: best.id, status: 'open' });
    await answer(order.id, offer!.id, 'accepted');
    expect(await assignment(order.id)).toMatchObject({ provider_id: best.id, source: 'offer' });
    expect(await waitingFor(order.id)).toBe('ACTIVE');
  });

  it('when the first declines and the second accepts, then the second is assigned and the first excluded', async () => {
    const order = await frOrder();
    const first = await frProvider(order.postal, 0.9);
    const second = await frProvider(order.postal, 0.5);
    await unblocked(order.id);
    const [offer1] = await offers(order.id, 1);
    await answer(order.id, offer1!.id, 'declined');
    const [, offer2] = await offers(order.id, 2);
    expect(offer2).toMatchObject({ provider_id: second.id, status: 'open' });
    await answer(order.id, offer2!.id, 'accepted');
    expect(await assignment(order.id)).toMatchObject({ provider_id: second.id });
    const { rows } = await db.query('SELECT provider_id, reason FROM dispatch.exclusions WHERE service_order_id = $1', [order.id]);
    expect(rows).toEqual([{ provider_id: first.id, reason: 'declined' }]);
  });

  it('when every candidate lets the offer expire, then an operator dispatches by hand (candidate groups of the order scope)', async () => {
    const order = await frOrder();
    const a = await frProvider(order.postal, 0.9);
    const b = await frProvider(order.postal, 0.5);
    await unblocked(order.id);
    await offers(order.id, 1);
    clock.pin(clock.now() + 3_601_000);
    await offers(order.id, 2);
    clock.pin(clock.now() + 3_601_000);
    const task = await eventually(
      async () => {
        await engine.idle();
        const { rows } = await db.query<{ user_task_key: string; candidate_groups: string[]; name: string }>(
          `SELECT t.user_task_key::text, t.candidate_groups, t.name FROM engine.user_tasks t
           JOIN engine.instances i USING (process_instance_key) WHERE i.correlation_key = $1 AND t.state = 'CREATED'`,
          [order.id],
        );
        return rows[0];
      },
      10_000,
      25,
    );
    expect(task).toMatchObject({ name: 'Dispatch by hand', candidate_groups: ['operators', 'country:FR', 'bu:FR-RHONE-ALPES', 'store:FR-LYS-0318'] });
    expect((await offers(order.id, 2)).map((o) => [o.provider_id, o.status])).toEqual([
      [a.id, 'expired'],
      [b.id, 'expired'],
    ]);
    await engine.completeUserTask(task.user_task_key, { providerId: b.id });
    expect(await assignment(order.id)).toMatchObject({ provider_id: b.id, source: 'manual' });
  });

  it('when the policy auto-accepts (ES), then the best candidate is assigned without waiting for an answer', async () => {
    const order = await world.order();
    const best = await world.provider(order.postal, { quality: 0.9 });
    await world.provider(order.postal, { quality: 0.5 });
    await unblocked(order.id);
    expect(await assignment(order.id)).toMatchObject({ provider_id: best.id, source: 'auto-accept' });
    expect((await offers(order.id, 1)).map((o) => o.status)).toEqual(['accepted']);
  });

  it('when the assigned provider withdraws, then the assignment is cancelled and the order dispatched again without it', async () => {
    const order = await world.order();
    const first = await world.provider(order.postal, { quality: 0.9 });
    const second = await world.provider(order.postal, { quality: 0.5 });
    await unblocked(order.id);
    const live = await assignment(order.id, first.id);
    await withdraw(order.id, live.id);
    expect(await assignment(order.id, second.id)).toMatchObject({ source: 'auto-accept' });
    const { rows } = await db.query(`SELECT provider_id, status FROM dispatch.assignments WHERE service_order_id = $1 ORDER BY confirmed_at, status`, [
      order.id,
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        { provider_id: first.id, status: 'cancelled' },
        { provider_id: second.id, status: 'confirmed' },
      ]),
    );
  });

  it('when the installation awaits its TV, then nothing is dispatched; once unblocked, the order is dispatched', async () => {
    const order = await world.order('pyxis-created', { ready: false });
    const provider = await world.provider(order.postal);
    expect(await unblocked(order.id)).toMatchObject({ result: 'ignored', reason: 'installation awaits its technical visit' });
    expect(await waitingFor(order.id)).toBeUndefined();
    await db.query(`UPDATE orders.service_orders SET installation_status = 'ready' WHERE id = $1`, [order.id]);
    expect(await unblocked(order.id)).toMatchObject({ result: 'applied' });
    expect(await assignment(order.id)).toMatchObject({ provider_id: provider.id });
  });

  it('when the order is cancelled while its offer is open, then the offer is withdrawn, the provider told, and the funnel ends', async () => {
    const order = await frOrder();
    const provider = await frProvider(order.postal, 0.9);
    await unblocked(order.id);
    const [offer] = await offers(order.id, 1);
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    await closeOrder(order.id, 'cancelled');
    expect(await ended(order.id)).toBe('COMPLETED');
    expect((await offers(order.id, 1)).map((o) => o.status)).toEqual(['withdrawn']);
    expect(await announced(order.id, 'ahs.dispatch.offer.withdrawn')).toEqual([
      { offerId: offer!.id, serviceOrderId: order.id, providerId: provider.id, reason: 'order-cancelled', withdrawnAt: expect.any(String) as string },
    ]);
    const {
      rows: [run],
    } = await db.query('SELECT status FROM dispatch.dispatches WHERE service_order_id = $1', [order.id]);
    expect(run).toEqual({ status: 'cancelled' });
  });

  it('when the order is cancelled once assigned, then the assignment and its booked appointment are cancelled and the funnel ends', async () => {
    const order = await world.order();
    const provider = await world.provider(order.postal, { quality: 0.9 });
    await unblocked(order.id);
    const live = await assignment(order.id, provider.id);
    const starts = new Date(Date.now() + 86_400_000);
    await db.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status)
       SELECT gen_random_uuid(), $1, $2, t.id, $3, $4, 'booked' FROM dispatch.technicians t WHERE t.provider_id = $5 LIMIT 1`,
      [order.id, live.id, starts, new Date(starts.getTime() + 3_600_000), provider.id],
    );
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    await closeOrder(order.id, 'cancelled');
    expect(await ended(order.id)).toBe('COMPLETED');
    const {
      rows: [cancelled],
    } = await db.query('SELECT status, cancel_reason FROM dispatch.assignments WHERE id = $1', [live.id]);
    expect(cancelled).toEqual({ status: 'cancelled', cancel_reason: 'order-cancelled' });
    const { rows: appointments } = await db.query('SELECT status FROM field.appointments WHERE assignment_id = $1', [live.id]);
    expect(appointments).toEqual([{ status: 'cancelled' }]);
    expect(await announced(order.id, 'ahs.dispatch.assignment.cancelled')).toEqual([
      expect.objectContaining({ assignmentId: live.id, providerId: provider.id, reason: 'order-cancelled' }),
    ]);
  });

  it('when the order is worked (checked out), then the assignment is completed and the funnel ends; a late withdrawal changes nothing', async () => {
    const order = await world.order();
    const provider = await world.provider(order.postal, { quality: 0.9 });
    await unblocked(order.id);
    const live = await assignment(order.id, provider.id);
    await closeOrder(order.id, 'worked');
    expect(await ended(order.id)).toBe('COMPLETED');
    const {
      rows: [completed],
    } = await db.query<{ status: string; completed_at: Date | null }>('SELECT status, completed_at FROM dispatch.assignments WHERE id = $1', [live.id]);
    expect(completed).toMatchObject({ status: 'completed', completed_at: expect.any(Date) as Date });
    expect(await announced(order.id, 'ahs.dispatch.assignment.completed')).toEqual([
      { assignmentId: live.id, serviceOrderId: order.id, providerId: provider.id, completedAt: expect.any(String) as string },
    ]);
    await withdraw(order.id, live.id);
    await engine.idle();
    const { rows } = await db.query('SELECT status FROM dispatch.assignments WHERE service_order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'completed' }]);
  });

  it('when parallel offers go out and one is accepted, then the others are superseded and their providers told', async () => {
    await frOrderWithParallelOffers(async (order, a, b) => {
      await unblocked(order.id);
      const sent = await offers(order.id, 2);
      const offerOfA = sent.find((o) => o.provider_id === a.id)!;
      const offerOfB = sent.find((o) => o.provider_id === b.id)!;
      await answer(order.id, offerOfA.id, 'accepted');
      expect(await assignment(order.id)).toMatchObject({ provider_id: a.id });
      expect(await announced(order.id, 'ahs.dispatch.offer.withdrawn')).toEqual([
        expect.objectContaining({ offerId: offerOfB.id, providerId: b.id, reason: 'superseded' }),
      ]);
    });
  });

  it('when the order is cancelled while an operator is to dispatch it by hand, then the operator task is withdrawn and the funnel ends', async () => {
    const order = await frOrder();
    await frProvider(order.postal, 0.9);
    await unblocked(order.id);
    await offers(order.id, 1);
    clock.pin(clock.now() + 3_601_000);
    const taskState = async () => {
      await engine.idle();
      const { rows } = await db.query<{ state: string }>(
        `SELECT t.state FROM engine.user_tasks t JOIN engine.instances i USING (process_instance_key) WHERE i.correlation_key = $1`,
        [order.id],
      );
      return rows.map((r) => r.state);
    };
    await eventually(async () => ((await taskState()).includes('CREATED') ? true : undefined), 10_000, 25);
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    await closeOrder(order.id, 'cancelled');
    expect(await ended(order.id)).toBe('COMPLETED');
    expect(await taskState()).toEqual(['CANCELED']);
    const { rows } = await db.query('SELECT status FROM dispatch.dispatches WHERE service_order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'cancelled' }]);
  });

  it('when a step finds the order cancelled before any closure message, then the funnel still closes it: open offers withdrawn, run cancelled', async () => {
    await frOrderWithParallelOffers(async (order, a, b) => {
      await unblocked(order.id);
      const sent = await offers(order.id, 2);
      await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
      // A's decline sends the funnel back to offering, which finds the order cancelled (ORDER_NOT_ACTIVE).
      await answer(order.id, sent.find((o) => o.provider_id === a.id)!.id, 'declined');
      expect(await ended(order.id)).toBe('COMPLETED');
      const offerOfB = sent.find((o) => o.provider_id === b.id)!;
      expect((await offers(order.id, 2)).find((o) => o.id === offerOfB.id)?.status).toBe('withdrawn');
      expect(await announced(order.id, 'ahs.dispatch.offer.withdrawn')).toEqual([expect.objectContaining({ offerId: offerOfB.id, reason: 'order-cancelled' })]);
      const { rows } = await db.query('SELECT status FROM dispatch.dispatches WHERE service_order_id = $1', [order.id]);
      expect(rows).toEqual([{ status: 'cancelled' }]);
    });
  });
});
