import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTopicsTf } from '../../terraform/topics-tf';
import { TOPIC_DEFAULTS, topicSpec } from './topic-spec';

const variables = readFileSync(path.resolve(__dirname, '../../terraform/variables.tf'), 'utf8');

/** The `default` of `variable "<name>"` in terraform/variables.tf. */
function terraformDefault(name: string): string | undefined {
  const block = new RegExp(`variable\\s+"${name}"\\s*\\{[^}]*?\\bdefault\\s*=\\s*([^\\n]+)`).exec(variables);
  return block?.[1]?.trim();
}

describe('topicSpec', () => {
  it('when terraform/variables.tf gives the defaults, then the relay creates topics with the same ones', () => {
    expect(terraformDefault('partitions')).toBe(String(TOPIC_DEFAULTS.partitions));
    expect(terraformDefault('replication_factor')).toBe(String(TOPIC_DEFAULTS.replicationFactor));
    expect(terraformDefault('min_insync_replicas')).toBe(String(TOPIC_DEFAULTS.minInsyncReplicas));
    expect(terraformDefault('retention_ms')).toBe(String(TOPIC_DEFAULTS.retentionMs));
    expect(renderTopicsTf(['a.b.c'])).toContain(`"cleanup.policy"      = "${TOPIC_DEFAULTS.cleanupPolicy}"`);
  });

  it('when the cluster has three brokers or more, then three replicas and two in sync', () => {
    expect(topicSpec('orders.service-order.created', 5)).toEqual({
      topic: 'orders.service-order.created',
      numPartitions: 12,
      replicationFactor: 3,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '604800000' },
        { name: 'min.insync.replicas', value: '2' },
      ],
    });
  });

  it('when the cluster has one broker, then one replica and one in sync', () => {
    expect(topicSpec('t.a.b', 1)).toMatchObject({
      replicationFactor: 1,
      configEntries: expect.arrayContaining([{ name: 'min.insync.replicas', value: '1' }]) as unknown,
    });
  });
});
