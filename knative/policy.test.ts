import { describe, expect, it } from 'vitest';
import { parseGoDurationMs, parseIsoDurationMs } from './duration';
import { loadScalingPolicies, parseScalingPolicies } from './policy';
import { declaredFunctions } from './testing';

const defaults = { minScale: 0, maxScale: 10, target: 8, containerConcurrency: 10, scaleToZeroRetention: '0s' };

function policyOf(entry: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return () => parseScalingPolicies({ defaults, functions: { 'order-intake': entry, ...extra } }, ['order-intake']);
}

describe('scaling policies', () => {
  it('when knative/scaling.yaml is read, then every declared function has a complete policy', () => {
    const names = declaredFunctions();
    const policies = loadScalingPolicies(undefined, names);
    expect([...policies.keys()].sort()).toEqual(names);
    expect(policies.get('outbox-relay')).toMatchObject({ minScale: 1, maxScale: 1 });
  });

  it('when an entry omits fields, then the defaults fill them and metric defaults to concurrency', () => {
    const policy = parseScalingPolicies({ defaults, functions: { 'order-intake': null } }, ['order-intake']);
    expect(policy.get('order-intake')).toEqual({ ...defaults, metric: 'concurrency' });
  });

  it('when minScale exceeds maxScale, then the function and both fields are named', () => {
    expect(policyOf({ minScale: 3, maxScale: 2 })).toThrow('order-intake: minScale (3) must not exceed maxScale (2)');
  });

  it('when maxScale is 0 (unlimited), then any minScale and initialScale are accepted', () => {
    expect(policyOf({ minScale: 5, maxScale: 0, initialScale: 7 })).not.toThrow();
  });

  it('when initialScale exceeds a bounded maxScale, then it is rejected', () => {
    expect(policyOf({ maxScale: 2, initialScale: 3 })).toThrow('order-intake: initialScale (3) must not exceed maxScale (2)');
  });

  it('when target exceeds containerConcurrency, then it is rejected unless concurrency is unlimited or the metric is rps', () => {
    expect(policyOf({ target: 20, containerConcurrency: 10 })).toThrow('order-intake: target (20) must not exceed containerConcurrency (10)');
    expect(policyOf({ target: 20, containerConcurrency: 0 })).not.toThrow();
    expect(policyOf({ target: 200, metric: 'rps' })).not.toThrow();
  });

  it('when a number is negative or not an integer, then the field and the value are named', () => {
    expect(policyOf({ minScale: -1 })).toThrow('order-intake: minScale must be a non-negative integer (got -1)');
    expect(policyOf({ maxScale: 1.5 })).toThrow('order-intake: maxScale must be a non-negative integer (0 = unlimited) (got 1.5)');
    expect(policyOf({ target: 0 })).toThrow('order-intake: target must be at least 0.01 (got 0)');
    expect(policyOf({ containerConcurrency: 5000 })).toThrow('order-intake: containerConcurrency must be an integer from 0 to 1000');
    expect(policyOf({ initialScale: 0 })).toThrow('order-intake: initialScale must be a positive integer (got 0)');
  });

  it('when the retention is not a duration or longer than 1h, then it is rejected', () => {
    expect(policyOf({ scaleToZeroRetention: '5 minutes' })).toThrow(
      'order-intake: scaleToZeroRetention must be a duration like 0s, 90s, 5m or 1h (got "5 minutes")',
    );
    expect(policyOf({ scaleToZeroRetention: 300 })).toThrow('order-intake: scaleToZeroRetention must be a duration');
    expect(policyOf({ scaleToZeroRetention: '2h' })).toThrow('order-intake: scaleToZeroRetention must be at most 1h');
  });

  it('when the metric or a field name is unknown, then it is rejected', () => {
    expect(policyOf({ metric: 'cpu' })).toThrow('order-intake: metric must be concurrency or rps');
    expect(policyOf({ minscale: 1 })).toThrow('order-intake: unknown field "minscale"');
  });

  it('when a function has no folder under functions/, then it is named as unknown', () => {
    expect(policyOf({}, { 'order-intkae': {} })).toThrow('order-intkae: unknown function (no folder functions/order-intkae)');
  });

  it('when a folder under functions/ has no entry, then it is named as missing', () => {
    const parse = () => parseScalingPolicies({ defaults, functions: {} }, ['outbox-relay']);
    expect(parse).toThrow('outbox-relay: missing from knative/scaling.yaml');
  });

  it('when a required field is set neither in the entry nor in defaults, then it is named', () => {
    const parse = () => parseScalingPolicies({ functions: { 'order-intake': { minScale: 0 } } }, ['order-intake']);
    expect(parse).toThrow('order-intake: maxScale is missing (set it here or under defaults)');
  });

  it('when several entries are wrong, then every problem is reported at once', () => {
    const parse = policyOf({ minScale: -1 }, { 'no-folder': {} });
    expect(parse).toThrow('order-intake: minScale must be a non-negative integer');
    expect(parse).toThrow('no-folder: unknown function');
  });
});

describe('durations', () => {
  it('when a Go duration is parsed, then it gives milliseconds', () => {
    expect(parseGoDurationMs('0s')).toBe(0);
    expect(parseGoDurationMs('0')).toBe(0);
    expect(parseGoDurationMs('1m30s')).toBe(90_000);
    expect(parseGoDurationMs('1.5h')).toBe(5_400_000);
    expect(parseGoDurationMs('300ms')).toBe(300);
    for (const bad of ['', '5', '5 m', '-1s', 'PT5M', '1d']) expect(parseGoDurationMs(bad)).toBeUndefined();
  });

  it('when an ISO-8601 duration is parsed, then it gives milliseconds', () => {
    expect(parseIsoDurationMs('PT0.3S')).toBe(300);
    expect(parseIsoDurationMs('PT2S')).toBe(2_000);
    expect(parseIsoDurationMs('PT1M')).toBe(60_000);
    expect(parseIsoDurationMs('PT1H1M1.5S')).toBe(3_661_500);
    expect(parseIsoDurationMs('P1D')).toBe(86_400_000);
    for (const bad of ['P', 'PT', 'PT1', '0.3s', 'P1M2D', 'P1Y']) expect(parseIsoDurationMs(bad)).toBeUndefined();
  });
});
