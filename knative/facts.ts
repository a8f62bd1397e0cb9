import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { jobWorkers } from '../bpmn/contract';
import { parseIsoDurationMs } from './duration';
import { KEBAB_NAME, listFunctionFolders, nameProblems, repoRoot } from './repo';

const name = z.string().regex(KEBAB_NAME, { error: 'must be a kebab-case name' });
const isoDuration = z.string().refine((text) => parseIsoDurationMs(text) !== undefined, { error: 'must be an ISO-8601 duration like PT0.3S' });

/** What a function is to Knative: an HTTP endpoint, an event sink, an always-on daemon, a job worker. */
export const FUNCTION_KINDS = ['http', 'event', 'daemon', 'worker'] as const;

const envSource = z.union([
  z.strictObject({ value: z.string() }),
  z.strictObject({ secret: name, key: z.string().min(1) }),
  z.strictObject({ configMap: name, key: z.string().min(1) }),
]);
const quantities = z.strictObject({ cpu: z.string().optional(), memory: z.string().optional() });
const resources = z.strictObject({ requests: quantities, limits: quantities });
const delivery = z.strictObject({
  retry: z.number().int().min(0),
  backoffPolicy: z.enum(['exponential', 'linear']),
  backoffDelay: isoDuration,
  deadLetterSink: name,
});
const subscription = z.strictObject({
  name,
  topics: z.array(z.string().min(1)).min(1),
  consumerGroup: z.string().min(1).optional(),
  path: z.string().startsWith('/').optional(),
  ordering: z.enum(['ordered', 'unordered']).optional(),
  delivery: delivery.partial().optional(),
});
const fn = z.strictObject({
  kind: z.enum(FUNCTION_KINDS),
  env: z.array(z.string()),
  resources: resources.optional(),
  subscriptions: z.array(subscription).optional(),
});
const file = z.strictObject({
  kafka: z.strictObject({
    bootstrapServers: z.array(z.string().min(1)).min(1),
    initialOffset: z.enum(['earliest', 'latest']),
  }),
  defaults: z.strictObject({ resources, delivery }),
  env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), envSource),
  functions: z.record(z.string(), fn),
});

export type FunctionKind = z.infer<typeof fn>['kind'];
export type EnvSource = z.infer<typeof envSource>;
export type Resources = z.infer<typeof resources>;
export type Delivery = z.infer<typeof delivery>;

export interface Subscription {
  readonly name: string;
  /** The Knative Service the KafkaSource delivers to. */
  readonly service: string;
  readonly topics: readonly string[];
  readonly consumerGroup: string;
  readonly path: string;
  readonly ordering: 'ordered' | 'unordered';
  readonly delivery: Delivery;
}

export interface FunctionFacts {
  readonly name: string;
  readonly kind: FunctionKind;
  readonly env: readonly { readonly name: string; readonly source: EnvSource }[];
  readonly resources: Resources;
  readonly subscriptions: readonly Subscription[];
}

export interface DeploymentFacts {
  readonly kafka: { readonly bootstrapServers: readonly string[]; readonly initialOffset: 'earliest' | 'latest' };
  readonly functions: readonly FunctionFacts[];
}

export class DeploymentFactsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`knative/functions.yaml is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DeploymentFactsError';
  }
}

/** The worker functions bpmn/contract.ts routes Zeebe jobs to. */
const WORKERS: ReadonlySet<string> = new Set(Object.values(jobWorkers));

/** Validates a parsed functions.yaml against the function folders; every problem is reported. */
export function parseDeploymentFacts(doc: unknown, functionNames: readonly string[]): DeploymentFacts {
  const parsed = file.safeParse(doc);
  if (!parsed.success) {
    throw new DeploymentFactsError(parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  }
  const { kafka, defaults, env, functions: entries } = parsed.data;
  const problems = nameProblems('knative/functions.yaml', Object.keys(entries), functionNames);
  const functions = Object.entries(entries).map(([fnName, entry]): FunctionFacts => {
    for (const variable of entry.env) {
      if (variable === 'DB_POOL_MAX') problems.push(`${fnName}: DB_POOL_MAX is rendered from containerConcurrency; do not list it`);
      else if (!(variable in env)) problems.push(`${fnName}: env ${variable} is not declared under env:`);
    }
    if (entry.kind !== 'event' && entry.subscriptions?.length) {
      problems.push(`${fnName}: only event functions can have subscriptions (kind is ${entry.kind})`);
    }
    if (entry.kind === 'worker' && !WORKERS.has(fnName)) {
      problems.push(`${fnName}: kind worker, but bpmn/contract.ts names no task type it works (jobWorkers)`);
    }
    return {
      name: fnName,
      kind: entry.kind,
      env: entry.env.flatMap((v) => (env[v] ? [{ name: v, source: env[v] }] : [])),
      resources: entry.resources ?? defaults.resources,
      subscriptions: (entry.subscriptions ?? []).map((s) => ({
        name: s.name,
        service: fnName,
        topics: s.topics,
        consumerGroup: s.consumerGroup ?? s.name,
        path: s.path ?? '/',
        ordering: s.ordering ?? 'ordered',
        delivery: { ...defaults.delivery, ...s.delivery },
      })),
    };
  });
  const subscriptionNames = functions.flatMap((f) => f.subscriptions.map((s) => s.name));
  for (const dup of new Set(subscriptionNames.filter((n, i) => subscriptionNames.indexOf(n) !== i))) {
    problems.push(`subscription ${dup} is declared twice`);
  }
  for (const s of functions.flatMap((f) => f.subscriptions)) {
    if (!functions.some((f) => f.name === s.delivery.deadLetterSink)) {
      problems.push(`${s.service}: dead letter sink ${s.delivery.deadLetterSink} of ${s.name} is not a function`);
    }
  }
  if (problems.length > 0) throw new DeploymentFactsError(problems);
  return { kafka, functions };
}

/** Reads `knative/functions.yaml`. */
export function loadDeploymentFacts(root: string = repoRoot(), functionNames: readonly string[] = listFunctionFolders(root)): DeploymentFacts {
  const text = readFileSync(path.join(root, 'knative', 'functions.yaml'), 'utf8');
  return parseDeploymentFacts(parse(text), functionNames);
}
