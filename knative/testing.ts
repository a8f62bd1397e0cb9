import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './repo';

/** The function names knative/functions.yaml declares (what the committed render covers). */
export function declaredFunctions(root: string = repoRoot()): string[] {
  const doc = parse(readFileSync(path.join(root, 'knative', 'functions.yaml'), 'utf8')) as {
    functions: Record<string, unknown>;
  };
  return Object.keys(doc.functions).sort();
}

/**
 * A throw-away repository root for tests: empty `functions/<name>` folders plus copies of the
 * knative/ sources (and, with `withRender`, the committed manifests). Removed when the test ends.
 */
export function makeTempRoot(functionNames: readonly string[], options: { withRender?: boolean } = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ahs-knative-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  for (const name of functionNames) mkdirSync(path.join(root, 'functions', name), { recursive: true });
  mkdirSync(path.join(root, 'knative'));
  for (const file of ['functions.yaml', 'scaling.yaml']) {
    cpSync(path.join(repoRoot(), 'knative', file), path.join(root, 'knative', file));
  }
  if (options.withRender) {
    for (const dir of ['services', 'sources']) {
      cpSync(path.join(repoRoot(), 'knative', dir), path.join(root, 'knative', dir), { recursive: true });
    }
  }
  return root;
}

/** Marks a field to delete in `changed`. */
export const REMOVE: unique symbol = Symbol('remove');

/**
 * A deep copy of a parsed manifest with one field set (or removed) at a dotted path such as
 * `spec.template.spec.containers.0.env.0.name`, so a test breaks exactly one thing.
 */
export function changed<T>(doc: T, dottedPath: string, value: unknown): T {
  const copy = structuredClone(doc);
  const keys = dottedPath.split('.');
  const last = keys.pop() ?? '';
  let node = copy as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}
