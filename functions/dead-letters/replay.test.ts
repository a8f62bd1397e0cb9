import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { salesOrderCreated } from '../../events';
import { pyxis } from '../../test/fixtures/sales';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { unique, useTestDb } from '../../test/support/db';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { deadLettersFunction } from './function';

const db = useTestDb();
const identity = await useDevIdentity();
const url = await startFunction('dead-letters', deadLettersFunction({ db, authenticator: identity.authenticator, logger: memoryLogger() }));

/** Stores a dead letter through the sink, as Knative delivers it, and returns its id. */
async function deadLetter(attributes: { type: string; source?: string; data: unknown }): Promise<number> {
  const id = randomUUID();
  const event = cloudEvent({ source: '/sales/pyxis', ...attributes, id, knativeerrorcode: '400', knativeerrordest: 'http://order-intake/' });
  expect((await postEvent(url, event)).status).toBe(200);
  const { rows } = await db.query<{ id: string }>('SELECT id FROM platform.dead_letters WHERE event_id = $1', [id]);
  return Number(rows[0]?.id);
}

async function replay(letterId: number | string, user: 'admin' | 'operator-es' = 'admin') {
  const response = await fetch(`${url}/${letterId}/replay`, { method: 'POST', headers: { authorization: await identity.bearer(user) } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('dead-letters POST /{id}/replay', () => {
  it('when a valid event was dead-lettered (its cause since fixed), then it is published again through the outbox, once', async () => {
    const sale = pyxis('pyxis-created', unique());
    const letter = await deadLetter({ type: salesOrderCreated.type, data: sale });

    const answer = await replay(letter);
    expect(answer).toMatchObject({ status: 202, body: { topic: 'sales.order.created', type: salesOrderCreated.type } });
    const { rows } = await db.query('SELECT topic, type, source, partition_key, data FROM platform.outbox WHERE event_id = $1', [answer.body.replayedAs]);
    expect(rows).toEqual([
      { topic: 'sales.order.created', type: salesOrderCreated.type, source: '/functions/dead-letters', partition_key: sale.order.orderNumber, data: sale },
    ]);

    expect(await replay(letter)).toMatchObject({ status: 409, body: { reason: 'already-replayed' } });
  });

  it('when a raw record wrapped by a KafkaSource was dead-lettered, then its topic tells which event it is', async () => {
    const sale = pyxis('pyxis-created', unique());
    const letter = await deadLetter({
      type: 'dev.knative.kafka.event',
      source: '/apis/v1/namespaces/ahs/kafkasources/order-intake-sales-orders#sales.order.updated',
      data: sale,
    });
    expect(await replay(letter)).toMatchObject({ status: 202, body: { topic: 'sales.order.updated' } });
  });

  it('when the dead-lettered event is still malformed, then it is not replayed and nothing is published', async () => {
    const sale = pyxis('pyxis-created', unique()) as unknown as { order: Record<string, unknown> };
    delete sale.order.storeCode;
    const letter = await deadLetter({ type: salesOrderCreated.type, data: sale });
    const answer = await replay(letter);
    expect(answer).toMatchObject({ status: 409, body: { reason: 'still-invalid' } });
    expect(String(answer.body.message)).toContain('data.order.storeCode');
    const { rows } = await db.query('SELECT replayed_at FROM platform.dead_letters WHERE id = $1', [letter]);
    expect(rows).toEqual([{ replayed_at: null }]);
  });

  it('when the event type is not in the catalog, then 409', async () => {
    const letter = await deadLetter({ type: `ahs.test.unknown-${unique().toLowerCase()}`, data: {} });
    expect(await replay(letter)).toMatchObject({ status: 409, body: { reason: 'not-replayable' } });
  });

  it('when the dead letter does not exist, then 404; when the id is not a number, then 400', async () => {
    expect((await replay(2_000_000_000)).status).toBe(404);
    expect(await replay('abc')).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ field: 'params.id' })] } });
  });

  it('when an operator asks, then 403', async () => {
    expect((await replay(1, 'operator-es')).status).toBe(403);
  });
});
