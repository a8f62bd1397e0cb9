import { afterEach } from 'vitest';
import { messages } from '../../bpmn/contract';
import { installationUnblocked } from '../../events';
import { EngineClock } from '../../mesh/engine/clock';
import { useTestEngine } from '../../test/support/engine';
import { eventually } from '../../test/support/eventually';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { useIsolatedDb } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { dispatchStartFunction } from '../dispatch-start/function';
import { dispatchFunnelFunction } from './function';
import { settings, useDispatchWorld } from './testing';

/**
 * The funnel's paths end to end, for funnel.test.ts and funnel-closure.test.ts:
 * bpmn/assignment.bpmn in the embedded engine, with the real dispatch-start and dispatch-funnel
 * functions (in-process servers) on an isolated database. Offer deadlines are shortened by
 * configuration (PT1H) and reached by pinning the engine clock, which is also the functions'
 * clock: no real waiting.
 */
export async function useFunnel() {
  const db = useIsolatedDb();
  const clock = new EngineClock();
  const now = () => new Date(clock.now());
  const logger = memoryLogger();
  const world = useDispatchWorld(db);
  const funnelUrl = await startFunction('dispatch-funnel', dispatchFunnelFunction({ db, logger, settings: { ...settings, offerTimeout: 'PT1H' }, clock: now }));
  const startUrl = await startFunction('dispatch-start', dispatchStartFunction({ db, logger, clock: now }));
  const flow = useTestEngine(db, { logger, clock, workers: { 'dispatch-funnel': funnelUrl }, dispatchTimeoutMs: 5_000 });
  afterEach(() => clock.reset());
  const relayMessages = (orderId: string) => flow.relay(orderId);
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
    flow.engine.publishMessage({
      name: messages.dispatchOfferAnswered.name,
      correlationKey: orderId,
      variables: { offerId, answer: verdict },
      messageId: `offer-answer:${offerId}`,
      timeToLiveMs: 3_600_000,
    });
  const withdraw = (orderId: string, assignmentId: string) =>
    flow.engine.publishMessage({
      name: messages.dispatchAssignmentWithdrawn.name,
      correlationKey: orderId,
      variables: { assignmentId },
      messageId: `withdrawn:${assignmentId}`,
      timeToLiveMs: 3_600_000,
    });
  const closeOrder = (orderId: string, closure: 'cancelled' | 'worked') =>
    flow.engine.publishMessage({
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
        await flow.engine.idle();
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
        await flow.engine.idle();
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
    await flow.engine.idle();
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

  return {
    get engine() {
      return flow.engine;
    },
    db,
    clock,
    world,
    relayMessages,
    unblocked,
    answer,
    withdraw,
    closeOrder,
    ended,
    announced,
    offers,
    assignment,
    waitingFor,
    frOrder,
    frProvider,
    frOrderWithParallelOffers,
  };
}
