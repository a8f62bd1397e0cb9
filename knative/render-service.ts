import type { EnvSource, FunctionFacts } from './facts';
import type { ScalePolicy } from './policy';

export const PART_OF = 'ahs-field-service';
/** Label carrying the function kind (http | event | daemon | worker); the manifest loader reads it. */
export const KIND_LABEL = 'ahs-field-service/kind';
const AUTOSCALING = 'autoscaling.knative.dev';
/** Knative's default user port; Knative passes it to the function as PORT. */
const HTTP_PORT = 8080;

export interface RenderOptions {
  /** Registry host (and path) prefixed to `ahs-field-service/<name>:latest`, e.g. `europe-docker.pkg.dev/p/r`. */
  readonly imageRegistry?: string | undefined;
}

export function imageFor(name: string, registry?: string): string {
  const image = `${PART_OF}/${name}:latest`;
  return registry ? `${registry.replace(/\/+$/, '')}/${image}` : image;
}

function envVar(name: string, source: EnvSource): Record<string, unknown> {
  if ('value' in source) return { name, value: source.value };
  if ('secret' in source) return { name, valueFrom: { secretKeyRef: { name: source.secret, key: source.key } } };
  return { name, valueFrom: { configMapKeyRef: { name: source.configMap, key: source.key } } };
}

function autoscalingAnnotations(p: ScalePolicy): Record<string, string> {
  return {
    [`${AUTOSCALING}/metric`]: p.metric,
    [`${AUTOSCALING}/target`]: String(p.target),
    [`${AUTOSCALING}/min-scale`]: String(p.minScale),
    [`${AUTOSCALING}/max-scale`]: String(p.maxScale),
    ...(p.initialScale === undefined ? {} : { [`${AUTOSCALING}/initial-scale`]: String(p.initialScale) }),
    [`${AUTOSCALING}/scale-to-zero-pod-retention-period`]: p.scaleToZeroRetention,
  };
}

/**
 * The Knative Service of one function. Knative sets PORT itself (to the declared containerPort,
 * which the probe repeats because the Kubernetes schema requires it). Only HTTP functions get a
 * public route; the others are cluster-local (event functions called by KafkaSources, daemons
 * called by no one, workers called by the job bridge).
 */
export function renderService(fn: FunctionFacts, policy: ScalePolicy, options: RenderOptions = {}) {
  if (policy.containerConcurrency === 0) {
    throw new Error(`${fn.name}: containerConcurrency 0 (unlimited) cannot size DB_POOL_MAX; set a limit in knative/scaling.yaml`);
  }
  const labels = { 'app.kubernetes.io/name': fn.name, 'app.kubernetes.io/part-of': PART_OF };
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: fn.name,
      labels: {
        ...labels,
        [KIND_LABEL]: fn.kind,
        ...(fn.kind === 'http' ? {} : { 'networking.knative.dev/visibility': 'cluster-local' }),
      },
    },
    spec: {
      template: {
        metadata: { labels, annotations: autoscalingAnnotations(policy) },
        spec: {
          containerConcurrency: policy.containerConcurrency,
          containers: [
            {
              name: fn.name,
              image: imageFor(fn.name, options.imageRegistry),
              ports: [{ name: 'http1', containerPort: HTTP_PORT }],
              env: [...fn.env.map((v) => envVar(v.name, v.source)), { name: 'DB_POOL_MAX', value: String(policy.containerConcurrency) }],
              readinessProbe: { httpGet: { path: '/healthz', port: HTTP_PORT } },
              resources: fn.resources,
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}
