import type { ITopicConfig } from 'kafkajs';

/**
 * What terraform/variables.tf gives a topic of topics.tf by default: the relay creates a
 * topic that does not exist (a broker reset, a cluster terraform has not reached yet) the
 * same way. topic-spec.test.ts keeps the two in step.
 */
export const TOPIC_DEFAULTS = {
  partitions: 12,
  replicationFactor: 3,
  minInsyncReplicas: 2,
  retentionMs: 604_800_000,
  cleanupPolicy: 'delete',
} as const;

/** A topic as terraform would create it, on a cluster of `brokers` nodes (one node: one replica). */
export function topicSpec(topic: string, brokers: number): ITopicConfig {
  const replicationFactor = Math.max(1, Math.min(TOPIC_DEFAULTS.replicationFactor, brokers));
  return {
    topic,
    numPartitions: TOPIC_DEFAULTS.partitions,
    replicationFactor,
    configEntries: [
      { name: 'cleanup.policy', value: TOPIC_DEFAULTS.cleanupPolicy },
      { name: 'retention.ms', value: String(TOPIC_DEFAULTS.retentionMs) },
      { name: 'min.insync.replicas', value: String(Math.min(TOPIC_DEFAULTS.minInsyncReplicas, replicationFactor)) },
    ],
  };
}
