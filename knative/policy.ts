import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseGoDurationMs } from './duration';
import { listFunctionFolders, nameProblems, repoRoot } from './repo';

/** Knative's bound on `scale-to-zero-pod-retention-period` (autoscaling WindowMax). */
const RETENTION_MAX_MS = 3_600_000;
/** Knative's default `container-concurrency-max-limit`. */
const CONTAINER_CONCURRENCY_MAX = 1000;

const count = (what: string) =>
  z
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .min(0, { error: `must be ${what}` });

const entry = z.strictObject({
  minScale: count('a non-negative integer').optional(),
  /** 0 means unlimited, as in Knative. */
  maxScale: count('a non-negative integer (0 = unlimited)').optional(),
  /** Target concurrency per pod (or requests per second when metric is rps); Knative minimum 0.01. */
  target: z.number({ error: 'must be a number' }).min(0.01, { error: 'must be at least 0.01' }).optional(),
  /** Hard limit of in-flight requests per pod; 0 means unlimited in Knative. */
  containerConcurrency: count(`an integer from 0 to ${CONTAINER_CONCURRENCY_MAX}`)
    .max(CONTAINER_CONCURRENCY_MAX, { error: `must be an integer from 0 to ${CONTAINER_CONCURRENCY_MAX}` })
    .optional(),
  scaleToZeroRetention: z
    .string({ error: 'must be a duration like 0s, 90s, 5m or 1h' })
    .refine((text) => parseGoDurationMs(text) !== undefined, { error: 'must be a duration like 0s, 90s, 5m or 1h' })
    .refine((text) => (parseGoDurationMs(text) ?? 0) <= RETENTION_MAX_MS, { error: 'must be at most 1h' })
    .optional(),
  metric: z.enum(['concurrency', 'rps'], { error: 'must be concurrency or rps' }).optional(),
  /** Pods created for a new revision; Knative refuses 0 unless the cluster allows it. */
  initialScale: count('a positive integer').min(1, { error: 'must be a positive integer' }).optional(),
});

const file = z.strictObject({
  defaults: z.unknown().optional(),
  functions: z.record(z.string(), z.unknown()),
});

export interface ScalePolicy {
  readonly minScale: number;
  readonly maxScale: number;
  readonly target: number;
  readonly containerConcurrency: number;
  readonly scaleToZeroRetention: string;
  readonly metric: 'concurrency' | 'rps';
  readonly initialScale?: number;
}

export class ScalingPolicyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`knative/scaling.yaml is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScalingPolicyError';
  }
}

const REQUIRED = ['minScale', 'maxScale', 'target', 'containerConcurrency', 'scaleToZeroRetention'] as const;

/** Validates a parsed scaling.yaml against the function folders; every problem is reported. */
export function parseScalingPolicies(doc: unknown, functionNames: readonly string[]): Map<string, ScalePolicy> {
  const shape = file.safeParse(doc ?? {});
  if (!shape.success) throw new ScalingPolicyError(shape.error.issues.map((i) => describeIssue('(file)', i)));
  const problems = nameProblems('knative/scaling.yaml', Object.keys(shape.data.functions), functionNames);
  const parseEntry = (owner: string, value: unknown) => {
    const parsed = entry.safeParse(value ?? {}, { reportInput: true });
    if (parsed.success) return parsed.data;
    problems.push(...parsed.error.issues.map((i) => describeIssue(owner, i)));
    return undefined;
  };
  const defaults = parseEntry('defaults', shape.data.defaults);
  const policies = new Map<string, ScalePolicy>();
  for (const [name, value] of Object.entries(shape.data.functions)) {
    const own = parseEntry(name, value);
    if (!defaults || !own) continue;
    const merged = { metric: 'concurrency' as const, ...defaults, ...own };
    const absent = REQUIRED.filter((field) => merged[field] === undefined);
    problems.push(...absent.map((field) => `${name}: ${field} is missing (set it here or under defaults)`));
    if (absent.length > 0) continue;
    const policy = merged as ScalePolicy;
    const ruleProblems = crossFieldProblems(policy).map((p) => `${name}: ${p}`);
    problems.push(...ruleProblems);
    if (ruleProblems.length === 0) policies.set(name, policy);
  }
  if (problems.length > 0) throw new ScalingPolicyError(problems);
  return policies;
}

function crossFieldProblems(p: ScalePolicy): string[] {
  const problems: string[] = [];
  const bounded = p.maxScale > 0;
  if (bounded && p.minScale > p.maxScale) {
    problems.push(`minScale (${p.minScale}) must not exceed maxScale (${p.maxScale})`);
  }
  if (bounded && p.initialScale !== undefined && p.initialScale > p.maxScale) {
    problems.push(`initialScale (${p.initialScale}) must not exceed maxScale (${p.maxScale})`);
  }
  if (p.metric === 'concurrency' && p.containerConcurrency > 0 && p.target > p.containerConcurrency) {
    problems.push(`target (${p.target}) must not exceed containerConcurrency (${p.containerConcurrency})`);
  }
  return problems;
}

function describeIssue(owner: string, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `${owner}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const field = issue.path.map(String).join('.') || (owner === '(file)' ? 'file' : 'entry');
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : '';
  return `${owner}: ${field} ${issue.message}${got}`;
}

/** Reads `knative/scaling.yaml` — the one place ops set each function's scale policy. */
export function loadScalingPolicies(root: string = repoRoot(), functionNames: readonly string[] = listFunctionFolders(root)): Map<string, ScalePolicy> {
  const text = readFileSync(path.join(root, 'knative', 'scaling.yaml'), 'utf8');
  return parseScalingPolicies(parse(text), functionNames);
}
