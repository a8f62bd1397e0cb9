import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { DeliverySpec, SourceSpec } from '@kubernetes-models/knative/duck.knative.dev/v1';
import { z } from 'zod';
import { parseIsoDurationMs } from './duration';

/**
 * KafkaSource (`sources.knative.dev/v1`, from knative-extensions/eventing-kafka-broker) is not
 * part of `@kubernetes-models/knative`, which models core Eventing only. This model checks the
 * Kafka-specific fields of `KafkaSourceSpec` (control-plane/pkg/apis/sources/v1/kafka_types.go)
 * itself and hands the shared duck types — metadata, `delivery` (DeliverySpec) and
 * `sink`/`ceOverrides` (SourceSpec) — to the generated Knative validators. The generated schemas
 * only check types, so the delivery rules of Knative's admission webhook are checked here too.
 */
const delivery = z.looseObject({
  retry: z.number().int().min(0).optional(),
  backoffPolicy: z.enum(['linear', 'exponential']).optional(),
  backoffDelay: z
    .string()
    .refine((text) => parseIsoDurationMs(text) !== undefined, { error: 'must be an ISO-8601 duration' })
    .optional(),
});

const spec = z.strictObject({
  consumers: z.number().int().min(1).optional(),
  bootstrapServers: z.array(z.string().min(1)).min(1),
  net: z.record(z.string(), z.unknown()).optional(),
  topics: z.array(z.string().min(1)).min(1),
  consumerGroup: z.string().optional(),
  initialOffset: z.enum(['earliest', 'latest']).optional(),
  delivery: delivery.optional(),
  ordering: z.enum(['ordered', 'unordered']).optional(),
  sink: z.unknown(),
  ceOverrides: z.unknown().optional(),
});

const resource = z.strictObject({
  apiVersion: z.literal('sources.knative.dev/v1'),
  kind: z.literal('KafkaSource'),
  metadata: z.unknown().optional(),
  spec,
  status: z.unknown().optional(),
});

export type IKafkaSource = z.infer<typeof resource>;

export class KafkaSource {
  static readonly apiVersion = 'sources.knative.dev/v1';
  static readonly kind = 'KafkaSource';

  constructor(private readonly data: unknown) {}

  /** Throws an error naming every invalid field, like the `@kubernetes-models` classes. */
  validate(): void {
    const parsed = resource.safeParse(this.data);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `data/${i.path.join('/')} ${i.message}`);
      throw new Error(problems.join(', '));
    }
    const { metadata, spec: s } = parsed.data;
    if (metadata !== undefined) new ObjectMeta(metadata as ObjectMeta).validate();
    if (s.delivery !== undefined) new DeliverySpec(s.delivery).validate();
    new SourceSpec({ sink: s.sink, ceOverrides: s.ceOverrides } as SourceSpec).validate();
    const sink = s.sink as { ref?: unknown; uri?: unknown } | undefined;
    if (!sink || (sink.ref === undefined && sink.uri === undefined)) {
      throw new Error('data/spec/sink needs a ref or a uri');
    }
  }
}
