import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDeploymentFacts, parseDeploymentFacts } from './facts';
import { repoRoot } from './repo';
import { changed, declaredFunctions } from './testing';

const names = declaredFunctions();
const committed: unknown = parse(readFileSync(path.join(repoRoot(), 'knative/functions.yaml'), 'utf8'));
const parseWith = (field: string, value: unknown) => () => parseDeploymentFacts(changed(committed, field, value), names);

describe('deployment facts (knative/functions.yaml)', () => {
  it('when the committed file is read, then subscriptions get their defaults', () => {
    const orderIntake = loadDeploymentFacts(undefined, names).functions.find((f) => f.name === 'order-intake');
    expect(orderIntake?.subscriptions).toEqual([
      {
        name: 'order-intake-sales-orders',
        service: 'order-intake',
        topics: ['sales.order.created', 'sales.order.updated'],
        consumerGroup: 'order-intake-sales-orders',
        path: '/',
        ordering: 'ordered',
        delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.3S', deadLetterSink: 'dead-letters' },
      },
    ]);
  });

  it('when a function lists DB_POOL_MAX, then it is refused: it comes from containerConcurrency', () => {
    expect(parseWith('functions.order-intake.env', ['LOG_LEVEL', 'DATABASE_URL', 'DB_POOL_MAX'])).toThrow(
      'order-intake: DB_POOL_MAX is rendered from containerConcurrency',
    );
  });

  it('when a function lists an undeclared variable, then it is named', () => {
    expect(parseWith('functions.service-orders.env', ['LOG_LEVEL', 'OIDC_ISSUERR'])).toThrow('service-orders: env OIDC_ISSUERR is not declared under env:');
  });

  it('when a non-event function has subscriptions, then it is refused', () => {
    expect(parseWith('functions.service-orders.subscriptions', [{ name: 'x', topics: ['a.b.c'] }])).toThrow(
      'service-orders: only event functions can have subscriptions (kind is http)',
    );
  });

  it('when a function that bpmn/contract.ts does not name is declared a worker, then it is refused', () => {
    expect(parseWith('functions.service-orders.kind', 'worker')).toThrow(
      'service-orders: kind worker, but bpmn/contract.ts names no task type it works (jobWorkers)',
    );
  });

  it('when the dead letter sink is not a function, then it is named', () => {
    expect(parseWith('defaults.delivery.deadLetterSink', 'dead-letter')).toThrow(
      'order-intake: dead letter sink dead-letter of order-intake-sales-orders is not a function',
    );
  });

  it('when a backoff delay is not ISO-8601 or the kind is unknown, then the field is named', () => {
    expect(parseWith('defaults.delivery.backoffDelay', '300ms')).toThrow('defaults.delivery.backoffDelay: must be an ISO-8601 duration');
    expect(parseWith('functions.outbox-relay.kind', 'cron')).toThrow('functions.outbox-relay.kind');
  });
});
