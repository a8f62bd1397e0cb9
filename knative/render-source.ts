import type { DeploymentFacts, Subscription } from './facts';
import { PART_OF } from './render-service';

const serviceRef = (name: string) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name });

/**
 * The KafkaSource (eventing-kafka-broker, `sources.knative.dev/v1`) of one subscription: it
 * POSTs each record as a binary-mode CloudEvent to the function's Service, retries with backoff,
 * then hands the event to the dead letter sink.
 */
export function renderSource(subscription: Subscription, kafka: DeploymentFacts['kafka']) {
  const { delivery } = subscription;
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'KafkaSource',
    metadata: {
      name: subscription.name,
      labels: { 'app.kubernetes.io/name': subscription.service, 'app.kubernetes.io/part-of': PART_OF },
    },
    spec: {
      bootstrapServers: [...kafka.bootstrapServers],
      topics: [...subscription.topics],
      consumerGroup: subscription.consumerGroup,
      initialOffset: kafka.initialOffset,
      ordering: subscription.ordering,
      sink: {
        ref: serviceRef(subscription.service),
        ...(subscription.path === '/' ? {} : { uri: subscription.path }),
      },
      delivery: {
        retry: delivery.retry,
        backoffPolicy: delivery.backoffPolicy,
        backoffDelay: delivery.backoffDelay,
        deadLetterSink: { ref: serviceRef(delivery.deadLetterSink) },
      },
    },
  };
}
