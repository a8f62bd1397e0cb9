import { describe, expect, it } from 'vitest';
import { initTracing, traceLogFields } from './tracing';

describe('tracing', () => {
  it('when DD_TRACE_ENABLED is not "true", then tracing stays off and logs carry no trace ids', () => {
    expect(initTracing('test', {})).toBe(false);
    expect(initTracing('test', { DD_TRACE_ENABLED: 'false' })).toBe(false);
    expect(traceLogFields()).toBeUndefined();
  });
});
