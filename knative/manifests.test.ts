import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServices, loadSubscriptions, retryDelayMs } from './manifests';
import { makeTempRoot } from './testing';

describe('manifest loader', () => {
  it('when the committed Services are loaded, then each gives its kind, scale and env', () => {
    const services = loadServices();
    expect(services.find((s) => s.name === 'outbox-relay')).toEqual({
      name: 'outbox-relay',
      kind: 'daemon',
      containerConcurrency: 4,
      minScale: 1,
      maxScale: 1,
      target: 4,
      env: ['LOG_LEVEL', 'DD_TRACE_ENABLED', 'DD_AGENT_HOST', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_CLIENT_ID', 'DB_POOL_MAX'],
      values: { LOG_LEVEL: 'info', KAFKA_CLIENT_ID: 'ahs-outbox-relay', DB_POOL_MAX: '4' },
    });
    expect(services.find((s) => s.name === 'service-orders')?.kind).toBe('http');
  });

  it('when the committed KafkaSources are loaded, then order-intake gets both sales topics with Knative delivery', () => {
    expect(loadSubscriptions().filter((s) => s.service === 'order-intake')).toEqual([
      {
        name: 'order-intake-sales-orders',
        service: 'order-intake',
        path: '/',
        topics: ['sales.order.created', 'sales.order.updated'],
        consumerGroup: 'order-intake-sales-orders',
        ordering: 'ordered',
        delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelayMs: 300, deadLetterService: 'dead-letters' },
      },
    ]);
  });

  it('when a KafkaSource has no delivery, a relative sink uri and a linear PT2S backoff, then they are read', () => {
    const root = makeTempRoot([], { withRender: true });
    const source = (name: string, extra: string) =>
      `kind: KafkaSource\nmetadata: { name: ${name} }\nspec:\n  topics: [a.b.c]\n  consumerGroup: g\n` +
      `  sink: { ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: order-intake }${extra} }\n`;
    writeFileSync(path.join(root, 'knative/sources/plain.yaml'), source('plain', ''));
    writeFileSync(
      path.join(root, 'knative/sources/linear.yaml'),
      source('linear', ', uri: /events') + '  delivery: { retry: 3, backoffPolicy: linear, backoffDelay: PT2S }\n',
    );
    const byName = new Map(loadSubscriptions(root).map((s) => [s.name, s]));
    expect(byName.get('plain')).toMatchObject({
      path: '/',
      ordering: 'ordered',
      delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelayMs: 300, deadLetterService: null },
    });
    expect(byName.get('linear')).toMatchObject({
      path: '/events',
      delivery: { retry: 3, backoffPolicy: 'linear', backoffDelayMs: 2000, deadLetterService: null },
    });
  });

  it('when a manifest cannot be read as a Service, then the error names the file and the field', () => {
    const root = makeTempRoot([], { withRender: true });
    writeFileSync(path.join(root, 'knative/services/odd.yaml'), 'kind: Service\nmetadata: { name: odd }\n');
    expect(() => loadServices(root)).toThrow(/odd\.yaml is not a manifest this mesh can run: metadata\.labels/);
  });
});

describe('retryDelayMs', () => {
  const exponential = { backoffPolicy: 'exponential' as const, backoffDelayMs: 300 };
  const linear = { backoffPolicy: 'linear' as const, backoffDelayMs: 2000 };

  it('when the policy is exponential, then retry n waits backoffDelay * 2^n', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(exponential, n))).toEqual([600, 1200, 2400, 4800, 307_200]);
  });

  it('when the policy is linear, then retry n waits backoffDelay * n', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(linear, n))).toEqual([2000, 4000, 6000]);
  });

  it('when the attempt is not a retry number from 1, then it is refused', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => retryDelayMs(exponential, bad)).toThrow(RangeError);
  });
});
