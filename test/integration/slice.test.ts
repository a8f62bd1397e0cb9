import { Kafka, logLevel, type Consumer } from 'kafkajs';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { salesOrderCreated } from '../../events';
import { buildEvent } from '../../shared/cloudevents/build';
import { toKafkaRecord } from '../../shared/cloudevents/kafka';
import { pyxis, tempo } from '../fixtures/sales';
import { createDatabase } from '../support/databases';
import { unique } from '../support/db';
import { eventually } from '../support/eventually';
import { startTestMesh } from '../support/mesh';

/**
 * The first vertical slice on a real Kafka broker and the real Postgres server: sales are
 * produced on Kafka as the sales systems do, the mesh's dispatcher delivers them as the
 * KafkaSources say, and the outbox relay publishes the service order events back to Kafka.
 */
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
// A database of its own: the other integration tests leave outbox rows of test-only topics
// in the shared one, which this mesh's relay would try to publish to Kafka.
const database = await createDatabase(process.env.TEST_DATABASE_URL ?? inject('databaseUrl'), 'ahs_slice');
const databaseUrl = database.url;
const mesh = await startTestMesh({ KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl });
const kafka = new Kafka({ clientId: 'slice-test', brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

const produced: { key: string | null; headers: Record<string, string> }[] = [];
const consumer: Consumer = kafka.consumer({ groupId: `slice-test-${unique()}`, maxWaitTimeInMs: 200 });
await consumer.connect();
await consumer.subscribe({ topics: ['orders.service-order.created'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
    produced.push({ key: message.key?.toString() ?? null, headers });
  },
});

afterAll(async () => {
  await consumer.disconnect();
  await producer.disconnect();
  await db.end();
  await mesh.stop();
  await database.drop();
});

async function get(path: string, user: string) {
  const response = await fetch(`${mesh.url}${path}`, { headers: { authorization: `Bearer ${await mesh.token(user)}` } });
  return { status: response.status, body: (await response.json()) as { items?: Record<string, unknown>[] } & Record<string, unknown> };
}

const orderRow = (system: string, id: string) =>
  eventually(
    async () =>
      (
        await db.query<{ id: string; revision: number; updated_at: Date }>(
          'SELECT id, revision, updated_at FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2',
          [system, id],
        )
      ).rows[0],
  );

describe('the slice on real Kafka and Postgres', () => {
  it('when Pyxis (binary CloudEvent) and Tempo (raw record) sales are produced, then each is one order visible to its country only', async () => {
    const suffix = unique();
    const es = pyxis('pyxis-created', suffix);
    const pl = tempo('tempo-created-pl', suffix);
    await producer.send({
      topic: 'sales.order.created',
      acks: -1,
      messages: [toKafkaRecord(buildEvent(salesOrderCreated, es, { source: '/sales/pyxis', id: es.header.messageId }))],
    });
    await producer.send({ topic: 'sales.order.created', acks: -1, messages: [{ key: pl.sale.sale_ref, value: JSON.stringify(pl) }] });

    const esOrder = await orderRow('PYXIS', es.order.orderNumber);
    const plOrder = await orderRow('TEMPO', pl.sale.sale_ref);
    expect((await get(`/service-orders/${esOrder.id}`, 'operator-es')).status).toBe(200);
    expect((await get(`/service-orders/${esOrder.id}`, 'operator-fr')).status).toBe(404);
    expect((await get(`/service-orders/${plOrder.id}`, 'operator-es')).status).toBe(404);
    expect((await get(`/service-orders/${plOrder.id}`, 'admin')).body).toMatchObject({
      countryCode: 'PL',
      salesChannel: 'PHONE',
      technicalVisitRequired: false,
    });
  });

  it('when the outbox relay publishes, then the event is on Kafka in binary mode keyed by the order id', async () => {
    const sale = pyxis('pyxis-created', unique());
    await producer.send({
      topic: 'sales.order.created',
      messages: [toKafkaRecord(buildEvent(salesOrderCreated, sale, { source: '/sales/pyxis', id: sale.header.messageId }))],
    });
    const order = await orderRow('PYXIS', sale.order.orderNumber);
    const record = await eventually(async () => produced.find((r) => r.key === order.id));
    expect(record.headers).toMatchObject({
      ce_type: 'ahs.orders.service-order.created',
      ce_source: '/functions/order-intake',
      ce_partitionkey: order.id,
      ce_subject: order.id,
    });
  });

  it('when a sale is delivered again and replayed, then nothing changes', async () => {
    const sale = pyxis('pyxis-created', unique());
    const record = toKafkaRecord(buildEvent(salesOrderCreated, sale, { source: '/sales/pyxis', id: sale.header.messageId }));
    await producer.send({ topic: 'sales.order.created', messages: [record] });
    const first = await orderRow('PYXIS', sale.order.orderNumber);
    await producer.send({ topic: 'sales.order.created', messages: [record, { key: sale.order.orderNumber, value: JSON.stringify(sale) }] });
    await eventually(async () => {
      const { rows } = await db.query(
        "SELECT count(*)::int AS n FROM platform.inbox WHERE consumer = 'order-intake' AND source LIKE '%kafkasources%' AND event_id LIKE 'partition:%'",
      );
      return (rows[0] as { n: number }).n > 0 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const { rows } = await db.query('SELECT id, revision, updated_at FROM orders.service_orders WHERE sales_order_id = $1', [sale.order.orderNumber]);
    expect(rows).toEqual([first]);
  });

  it('when a malformed sale is produced, then it is dead-lettered with its reason and nothing is written', async () => {
    const sale = pyxis('pyxis-created', unique()) as unknown as { order: Record<string, unknown>; header: { messageId: string } };
    delete sale.order.lines;
    await producer.send({
      topic: 'sales.order.created',
      messages: [
        {
          key: 'x',
          value: JSON.stringify(sale),
          headers: {
            ce_specversion: '1.0',
            ce_id: sale.header.messageId,
            ce_source: '/sales/pyxis',
            ce_type: salesOrderCreated.type,
            'content-type': 'application/json',
          },
        },
      ],
    });
    const letter = await eventually(
      async () =>
        (
          await db.query<{ error_code: number; error_reason: string }>('SELECT error_code, error_reason FROM platform.dead_letters WHERE event_id = $1', [
            sale.header.messageId,
          ])
        ).rows[0],
    );
    expect(letter).toMatchObject({ error_code: 400 });
    expect(letter.error_reason).toContain('data.order.lines');
    const { rows } = await db.query('SELECT 1 FROM orders.service_orders WHERE sales_order_id = $1', [sale.order.orderNumber]);
    expect(rows).toHaveLength(0);
  });

  it('when the relay crashes between commit and publish, then the restarted relay publishes what was committed', async () => {
    const relay = mesh.functions.find((f) => f.name === 'outbox-relay');
    if (!relay) throw new Error('no outbox-relay in the mesh');
    await relay.crash();
    const sale = pyxis('pyxis-created', unique());
    await producer.send({
      topic: 'sales.order.created',
      messages: [toKafkaRecord(buildEvent(salesOrderCreated, sale, { source: '/sales/pyxis', id: sale.header.messageId }))],
    });
    const order = await orderRow('PYXIS', sale.order.orderNumber);
    const { rows: pending } = await db.query('SELECT published_at FROM platform.outbox WHERE partition_key = $1', [order.id]);
    expect(pending).toEqual([{ published_at: null }]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(produced.some((r) => r.key === order.id)).toBe(false);

    relay.restart();
    const record = await eventually(async () => produced.find((r) => r.key === order.id), 60_000);
    expect(record.headers.ce_type).toBe('ahs.orders.service-order.created');
    // The row is marked published once Kafka acknowledged it, in the relay's transaction.
    await eventually(async () => {
      const { rows } = await db.query<{ published_at: Date | null }>('SELECT published_at FROM platform.outbox WHERE partition_key = $1', [order.id]);
      return rows.length > 0 && rows.every((r) => r.published_at !== null) ? true : undefined;
    });
  });
});
