import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKafkaBus } from '../../mesh/bus/kafka-bus';
import { unique } from '../support/db';
import { eventually } from '../support/eventually';

/** The mesh's Kafka bus, the KafkaSource stand-in, on the real broker (KAFKA_BROKERS). */
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'kafka-bus-test', brokers, logLevel: logLevel.NOTHING });
const bus = makeKafkaBus({ brokers, clientId: 'kafka-bus-test' });
afterAll(() => bus.close());

describe('the mesh Kafka bus', () => {
  it("when records wait on two partitions, then the partitions are delivered in parallel and one partition's records in order", async () => {
    const topic = `test.bus.parallel-${unique().toLowerCase()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { partition: 0, value: 'a1' },
        { partition: 0, value: 'a2' },
        { partition: 1, value: 'b1' },
      ],
    });
    await producer.disconnect();

    // a1 and b1 each wait for the other to have started: delivered one partition at a time,
    // the first of them would wait in vain.
    const events: string[] = [];
    const started = new Map<string, () => void>();
    const startOf = (value: string) => new Promise<void>((resolve) => started.set(value, resolve));
    const waits = { a1: startOf('a1'), b1: startOf('b1') };
    const metOther: Record<string, boolean> = {};
    await bus.subscribe({
      group: `kafka-bus-test-${unique()}`,
      topics: [topic],
      handle: async (record) => {
        const value = record.value.toString();
        events.push(`start ${value}`);
        started.get(value)?.();
        const other = value === 'a1' ? waits.b1 : value === 'b1' ? waits.a1 : undefined;
        if (other) metOther[value] = await Promise.race([other.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
        events.push(`end ${value}`);
      },
    });
    await eventually(async () => (events.length === 6 ? true : undefined), 40_000);
    expect(metOther).toEqual({ a1: true, b1: true });
    expect(events.indexOf('end a1')).toBeLessThan(events.indexOf('start a2'));
  });
});
