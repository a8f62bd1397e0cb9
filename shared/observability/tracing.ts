import type { LogFields } from '../logging';

interface SpanContext {
  toTraceId(): string;
  toSpanId(): string;
}

interface Tracer {
  scope(): { active(): { context(): SpanContext } | null };
  inject(context: SpanContext, format: 'text_map', carrier: Record<string, string>): void;
  extract(format: 'text_map', carrier: Record<string, string>): SpanContext | null;
  trace<T>(name: string, options: { childOf?: SpanContext }, fn: () => T): T;
  dogstatsd: { increment(stat: string, value?: number, tags?: Record<string, string>): void };
}

let tracer: Tracer | undefined;

/**
 * Starts Datadog tracing when `DD_TRACE_ENABLED=true`. Imported first by every bundle so
 * dd-trace can instrument http, pg and kafkajs before they load. dd-trace is not bundled
 * (native modules, load-time hooks): the image installs it; without it tracing stays off.
 * Off by default, the embedded default: no agent, no cold-start cost.
 */
export function initTracing(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DD_TRACE_ENABLED !== 'true' || tracer) return tracer !== undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ddTrace = require('dd-trace') as { init(options: Record<string, unknown>): Tracer };
  tracer = ddTrace.init({ service, logInjection: false, runtimeMetrics: true });
  return true;
}

/** Adds `value` to the DogStatsD counter `name` (through the Datadog agent) when tracing is on. */
export function countMetric(name: string, tags: Record<string, string>, value = 1): void {
  tracer?.dogstatsd.increment(name, value, tags);
}

/** `dd.trace_id` / `dd.span_id` of the active span, for JSON log correlation. */
export function traceLogFields(): LogFields | undefined {
  const span = tracer?.scope().active();
  if (!span) return undefined;
  const ctx = span.context();
  return { 'dd.trace_id': ctx.toTraceId(), 'dd.span_id': ctx.toSpanId() };
}

/**
 * The active trace context as propagation headers (W3C `traceparent`/`tracestate` and
 * Datadog's), kept with each outbox row so the trace continues where its event is consumed.
 */
export function currentTraceHeaders(): Record<string, string> {
  const span = tracer?.scope().active();
  if (!tracer || !span) return {};
  const carrier: Record<string, string> = {};
  tracer.inject(span.context(), 'text_map', carrier);
  return carrier;
}

/** Runs `work` in a span whose parent is the producer's trace context, when tracing is on. */
export function withParentTrace<T>(carrier: Record<string, string>, name: string, work: () => Promise<T>): Promise<T> {
  if (!tracer || Object.keys(carrier).length === 0) return work();
  const parent = tracer.extract('text_map', carrier) ?? undefined;
  return tracer.trace(name, { childOf: parent }, work);
}

/** The CloudEvents distributed-tracing extension attributes of an event. */
export function traceCarrierOf(event: object): Record<string, string> {
  const { traceparent, tracestate } = event as { traceparent?: unknown; tracestate?: unknown };
  const carrier: Record<string, string> = {};
  if (typeof traceparent === 'string') carrier.traceparent = traceparent;
  if (typeof tracestate === 'string') carrier.tracestate = tracestate;
  return carrier;
}
