import type { LogFields } from '../logging';

interface Tracer {
  scope(): { active(): { context(): { toTraceId(): string; toSpanId(): string } } | null };
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

/** `dd.trace_id` / `dd.span_id` of the active span, for JSON log correlation. */
export function traceLogFields(): LogFields | undefined {
  const span = tracer?.scope().active();
  if (!span) return undefined;
  const ctx = span.context();
  return { 'dd.trace_id': ctx.toTraceId(), 'dd.span_id': ctx.toSpanId() };
}
