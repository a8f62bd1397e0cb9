import { describe, expect, it } from 'vitest';
import { currentTraceHeaders, initTracing, traceCarrierOf, traceLogFields, withParentTrace } from './tracing';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('tracing', () => {
  it('when DD_TRACE_ENABLED is not "true", then tracing stays off and logs carry no trace ids', () => {
    expect(initTracing('test', {})).toBe(false);
    expect(initTracing('test', { DD_TRACE_ENABLED: 'false' })).toBe(false);
    expect(traceLogFields()).toBeUndefined();
    expect(currentTraceHeaders()).toEqual({});
  });

  it('when tracing is off, then work runs as it is, whatever the carrier', async () => {
    await expect(withParentTrace({ traceparent: TRACEPARENT }, 'x', () => Promise.resolve(42))).resolves.toBe(42);
  });

  it('when an event carries the CloudEvents tracing extension, then its carrier holds traceparent and tracestate only', () => {
    expect(traceCarrierOf({ id: '1', traceparent: TRACEPARENT, tracestate: 'dd=s:1', partitionkey: 'k' })).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'dd=s:1',
    });
    expect(traceCarrierOf({ id: '1' })).toEqual({});
    expect(traceCarrierOf({ traceparent: 7 })).toEqual({});
  });
});
