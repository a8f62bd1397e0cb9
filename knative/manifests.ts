import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseIsoDurationMs } from './duration';
import { FUNCTION_KINDS, type FunctionKind } from './facts';
import { KIND_LABEL } from './render-service';
import { repoRoot } from './repo';

/**
 * Reads the rendered Knative manifests (knative/services, knative/sources): what the local mesh
 * and the tests run from, so they follow exactly what is deployed.
 */

export interface ServiceManifest {
  readonly name: string;
  readonly kind: FunctionKind;
  /** 0 = unlimited (Knative). */
  readonly containerConcurrency: number;
  readonly minScale: number;
  /** 0 = unlimited (Knative). */
  readonly maxScale: number;
  readonly target: number;
  /** Names of the container's environment variables. */
  readonly env: readonly string[];
  /** The variables with a literal value (e.g. DB_POOL_MAX); the others come from secrets / config maps. */
  readonly values: Readonly<Record<string, string>>;
}

export interface DeliveryPolicy {
  readonly retry: number;
  readonly backoffPolicy: 'exponential' | 'linear';
  readonly backoffDelayMs: number;
  /** The Knative Service receiving events that exhausted their retries; null = dropped. */
  readonly deadLetterService: string | null;
}

export interface SubscriptionManifest {
  readonly name: string;
  /** The Knative Service the events are POSTed to. */
  readonly service: string;
  /** Request path on that Service (`/` unless the sink has a relative uri). */
  readonly path: string;
  readonly topics: readonly string[];
  readonly consumerGroup: string;
  readonly ordering: 'ordered' | 'unordered';
  readonly delivery: DeliveryPolicy;
}

const annotationNumber = (fallback: number) =>
  z.coerce
    .number()
    .nonnegative()
    .optional()
    .transform((n) => n ?? fallback);

const service = z.object({
  kind: z.literal('Service'),
  metadata: z.object({ name: z.string(), labels: z.object({ [KIND_LABEL]: z.enum(FUNCTION_KINDS) }) }),
  spec: z.object({
    template: z.object({
      metadata: z.object({
        annotations: z.object({
          'autoscaling.knative.dev/min-scale': annotationNumber(0),
          'autoscaling.knative.dev/max-scale': annotationNumber(0),
          // Knative's container-concurrency-target-default.
          'autoscaling.knative.dev/target': annotationNumber(100),
        }),
      }),
      spec: z.object({
        containerConcurrency: z.number().int().nonnegative().default(0),
        containers: z.array(z.object({ env: z.array(z.object({ name: z.string(), value: z.string().optional() })).default([]) })).length(1),
      }),
    }),
  }),
});

const serviceRef = z.object({ ref: z.object({ kind: z.literal('Service'), name: z.string() }) });
const isoDuration = z.string().transform((text, ctx) => {
  const ms = parseIsoDurationMs(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `not an ISO-8601 duration: ${text}` });
  return ms ?? 0;
});

const kafkaSource = z.object({
  kind: z.literal('KafkaSource'),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    topics: z.array(z.string()).min(1),
    consumerGroup: z.string(),
    ordering: z.enum(['ordered', 'unordered']).default('ordered'),
    sink: serviceRef.extend({ uri: z.string().startsWith('/').optional() }),
    // Knative's KafkaSource defaults when no delivery is given (design §3).
    delivery: z
      .object({
        retry: z.number().int().nonnegative().default(10),
        backoffPolicy: z.enum(['exponential', 'linear']).default('exponential'),
        backoffDelay: isoDuration.default(300),
        deadLetterSink: serviceRef.optional(),
      })
      .default({ retry: 10, backoffPolicy: 'exponential', backoffDelay: 300 }),
  }),
});

function readManifests<T>(dir: string, schema: z.ZodType<T>): T[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return files.map((file) => {
    const parsed = schema.safeParse(parse(readFileSync(path.join(dir, file), 'utf8')));
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${path.relative(process.cwd(), path.join(dir, file))} is not a manifest this mesh can run: ${problems}`);
  });
}

/** Every Knative Service in knative/services. */
export function loadServices(root: string = repoRoot()): ServiceManifest[] {
  return readManifests(path.join(root, 'knative', 'services'), service).map((s) => {
    const annotations = s.spec.template.metadata.annotations;
    const container = s.spec.template.spec.containers[0];
    return {
      name: s.metadata.name,
      kind: s.metadata.labels[KIND_LABEL],
      containerConcurrency: s.spec.template.spec.containerConcurrency,
      minScale: annotations['autoscaling.knative.dev/min-scale'],
      maxScale: annotations['autoscaling.knative.dev/max-scale'],
      target: annotations['autoscaling.knative.dev/target'],
      env: (container?.env ?? []).map((e) => e.name),
      values: Object.fromEntries((container?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]]))),
    };
  });
}

/** Every KafkaSource in knative/sources. */
export function loadSubscriptions(root: string = repoRoot()): SubscriptionManifest[] {
  return readManifests(path.join(root, 'knative', 'sources'), kafkaSource).map(({ metadata, spec }) => ({
    name: metadata.name,
    service: spec.sink.ref.name,
    path: spec.sink.uri ?? '/',
    topics: spec.topics,
    consumerGroup: spec.consumerGroup,
    ordering: spec.ordering,
    delivery: {
      retry: spec.delivery.retry,
      backoffPolicy: spec.delivery.backoffPolicy,
      backoffDelayMs: spec.delivery.backoffDelay,
      deadLetterService: spec.delivery.deadLetterSink?.ref.name ?? null,
    },
  }));
}

/**
 * Wait before retry number `attempt` (1 = first retry), as Knative's Kafka data plane computes
 * it: exponential `backoffDelay * 2^attempt`, linear `backoffDelay * attempt`.
 * With the defaults (PT0.3S, exponential): 600 ms, 1.2 s, 2.4 s, ... 307.2 s for the 10th retry.
 */
export function retryDelayMs(delivery: Pick<DeliveryPolicy, 'backoffPolicy' | 'backoffDelayMs'>, attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a retry number from 1 (got ${attempt})`);
  }
  return delivery.backoffPolicy === 'linear' ? delivery.backoffDelayMs * attempt : delivery.backoffDelayMs * 2 ** attempt;
}
