import { CloudEvent } from 'cloudevents';
import {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  type Admin,
  type Kafka,
  type Producer,
  type ProducerBatch,
} from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../test/support/logger';
import { makeKafkaPublisher } from './kafka-publisher';
import { TopicUnavailableError, type OutgoingEvent } from './publisher';
import { topicSpec } from './topic-spec';

const TOPIC = 'orders.service-order.created';

function outgoing(id: string): OutgoingEvent {
  const event = new CloudEvent<unknown>(
    { specversion: '1.0', id, source: '/functions/order-intake', type: 'ahs.orders.service-order.created', partitionkey: `order-${id}`, data: { id } },
    false,
  );
  return { topic: TOPIC, event, traceHeaders: {} };
}

/** A Kafka protocol error as kafkajs raises it (`type` names the protocol error). */
const protocolError = (type: string, retriable = false) =>
  new KafkaJSProtocolError(Object.assign(new Error(`broker answered ${type}`), { type, code: 1, retriable }));

/** A fake kafkajs client: topics that exist, what is created and sent, and how each send ends. */
function fakeKafka(options: { topics?: string[]; createTopics?: () => Promise<boolean>; sends?: (Error | undefined)[] } = {}) {
  const state = { topics: new Set(options.topics ?? []), created: [] as unknown[], batches: [] as ProducerBatch[], producers: 0, listed: 0 };
  const sends = [...(options.sends ?? [])];
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    listTopics: () => ((state.listed += 1), Promise.resolve([...state.topics])),
    describeCluster: () => Promise.resolve({ brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }], controller: 1, clusterId: 'c' }),
    createTopics: vi.fn(async (request: { topics: { topic: string }[] }) => {
      const created = await (options.createTopics?.() ?? Promise.resolve(true));
      state.created.push(request);
      for (const { topic } of request.topics) state.topics.add(topic);
      return created;
    }),
  };
  const kafka = {
    admin: () => admin as unknown as Admin,
    producer: () => {
      state.producers += 1;
      return {
        connect: () => Promise.resolve(),
        disconnect: () => Promise.resolve(),
        sendBatch: (batch: ProducerBatch) => {
          const error = sends.shift();
          if (error) return Promise.reject(error);
          state.batches.push(batch);
          return Promise.resolve([]);
        },
      } as unknown as Producer;
    },
  } as Pick<Kafka, 'producer' | 'admin'>;
  return { kafka, state };
}

const publisherOn = (kafka: Pick<Kafka, 'producer' | 'admin'>, logger = memoryLogger()) =>
  makeKafkaPublisher({ brokers: ['unused:9092'], clientId: 'test', kafka, logger });

describe('makeKafkaPublisher', () => {
  it('when a topic does not exist, then it is created as terraform/ would, once, before the first send', async () => {
    const { kafka, state } = fakeKafka();
    const logger = memoryLogger();
    const publisher = publisherOn(kafka, logger);
    await publisher.publish([outgoing('e1')]);
    await publisher.publish([outgoing('e2')]);
    expect(state.created).toEqual([{ topics: [topicSpec(TOPIC, 1)], waitForLeaders: true }]);
    expect(state.listed).toBe(1);
    expect(state.batches.map((b) => b.topicMessages?.[0]?.messages.map((m) => m.headers?.ce_id))).toEqual([['e1'], ['e2']]);
    expect(logger.lines).toEqual([expect.objectContaining({ msg: 'created missing Kafka topics', topics: [TOPIC], partitions: 12, replicationFactor: 1 })]);
  });

  it('when creating the missing topic is refused, then TopicUnavailableError naming it, and nothing is sent', async () => {
    const refused = new KafkaJSAggregateError('Topic creation errors', [protocolError('TOPIC_AUTHORIZATION_FAILED')]);
    const { kafka, state } = fakeKafka({ createTopics: () => Promise.reject(refused) });
    const failure = await publisherOn(kafka)
      .publish([outgoing('e1')])
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TopicUnavailableError);
    expect(failure).toMatchObject({ topic: TOPIC, message: expect.stringContaining('TOPIC_AUTHORIZATION_FAILED') as unknown });
    expect(state.batches).toEqual([]);
  });

  it('when a send fails on a connection error, then the same producer sends again (same producer id and sequence numbers)', async () => {
    const down = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), { retryCount: 5, retryTime: 5000 });
    const { kafka, state } = fakeKafka({ topics: [TOPIC], sends: [down] });
    const publisher = publisherOn(kafka);
    await expect(publisher.publish([outgoing('e1')])).rejects.toBe(down);
    await publisher.publish([outgoing('e1')]);
    expect(state.producers).toBe(1);
    expect(state.batches).toHaveLength(1);
  });

  it('when the broker no longer knows the producer (a reset broker), then the next publish uses a new producer', async () => {
    const lost = new KafkaJSNumberOfRetriesExceeded(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'), { retryCount: 0, retryTime: 0 });
    const { kafka, state } = fakeKafka({ topics: [TOPIC], sends: [lost] });
    const publisher = publisherOn(kafka);
    await expect(publisher.publish([outgoing('e1')])).rejects.toBe(lost);
    await publisher.publish([outgoing('e1')]);
    expect(state.producers).toBe(2);
  });

  it('when the topic disappeared (UNKNOWN_TOPIC_OR_PARTITION), then the next publish looks for it again and creates it', async () => {
    const gone = new KafkaJSNumberOfRetriesExceeded(protocolError('UNKNOWN_TOPIC_OR_PARTITION', true), { retryCount: 5, retryTime: 5000 });
    const { kafka, state } = fakeKafka({ topics: [TOPIC], sends: [undefined, gone] });
    const publisher = publisherOn(kafka);
    await publisher.publish([outgoing('e1')]);
    state.topics.clear();
    await expect(publisher.publish([outgoing('e2')])).rejects.toBe(gone);
    await publisher.publish([outgoing('e2')]);
    expect(state.listed).toBe(2);
    expect(state.created).toEqual([{ topics: [topicSpec(TOPIC, 1)], waitForLeaders: true }]);
    expect(state.batches).toHaveLength(2);
  });
});
