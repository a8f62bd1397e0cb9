import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/eventually';
import { useFunnel } from './testing-funnel';

const f = await useFunnel();
const { db, clock, world, unblocked, answer, withdraw, offers, assignment, waitingFor, frOrder, frProvider } = f;

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
        await f.engine.idle();
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
    await f.engine.completeUserTask(task.user_task_key, { providerId: b.id });
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
    await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = $1`, [order.id]);
    expect(await unblocked(order.id)).toMatchObject({ result: 'applied' });
    expect(await assignment(order.id)).toMatchObject({ provider_id: provider.id });
  });
});
