import type { KafkaRecord } from '../../shared/cloudevents/kafka';
import type { Bus, BusSubscription, DeliveredRecord } from './bus';

/** Kafka's default partitioner is murmur2; any stable hash keeps one key on one partition. */
function partitionOf(key: string | null, partitions: number, counter: number): number {
  if (key === null) return counter % partitions;
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % partitions;
}

/**
 * The embedded default for Kafka: topics split into partitions, one FIFO lane per
 * (consumer group, topic, partition), so one key's records are handled in order while
 * other keys go on. Nothing is kept across restarts (like Knative's InMemoryChannel);
 * durability comes from the outbox, which republishes what was not acknowledged.
 */
export function makeInMemoryBus(options: { partitions?: number; onError?: (error: unknown) => void } = {}): Bus {
  const partitions = options.partitions ?? 3;
  const offsets = new Map<string, number>();
  const subscriptions: { sub: BusSubscription; lanes: Map<string, Promise<void>> }[] = [];
  let published = 0;
  let closed = false;

  return {
    kind: 'embedded',
    ensureTopics: () => Promise.resolve(),
    publish(topic: string, record: KafkaRecord) {
      if (closed) return Promise.reject(new Error('bus closed'));
      const partition = partitionOf(record.key, partitions, published++);
      const lane = `${topic}/${partition}`;
      const offset = offsets.get(lane) ?? 0;
      offsets.set(lane, offset + 1);
      const delivered: DeliveredRecord = { ...record, topic, partition, offset: String(offset) };
      for (const entry of subscriptions) {
        if (!entry.sub.topics.includes(topic)) continue;
        const previous = entry.lanes.get(lane) ?? Promise.resolve();
        const next = previous.then(() => entry.sub.handle(delivered)).catch((error: unknown) => options.onError?.(error));
        entry.lanes.set(lane, next);
      }
      return Promise.resolve();
    },
    subscribe(sub: BusSubscription) {
      subscriptions.push({ sub, lanes: new Map() });
      return Promise.resolve();
    },
    async close() {
      closed = true;
      await Promise.all(subscriptions.flatMap((s) => [...s.lanes.values()]));
    },
  };
}
