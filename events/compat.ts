/**
 * Breaking-change guard for event schemas: `breakingChanges(previous, next)` lists, with a data
 * path, every change to one event's JSON Schema that can break a consumer.
 *
 * Direction. Consumers validate `data` with the catalog schema (400 → dead letter on failure),
 * and they read in both directions across a change: consumers still on the old code read events
 * produced under the new schema, and consumers on the new code read the events already on the
 * topic (retention, replay, producers not yet redeployed). So a change is breaking when it changes
 * the set of accepted values in EITHER direction, or drops a field a consumer may read:
 * - `field removed or renamed` (a rename is a removal plus an addition; a hint names the
 *   likely new name), even an optional one: consumers may read it when present;
 * - `optional field made required` and `required field added`: old events lack it;
 * - `required field made optional`, `nullable added`: old consumers rely on a value;
 * - `type narrowed` (number → integer, a bound tightened, a format/pattern added, an enum imposed),
 *   `type widened` (the reverse), `type changed` (string → number, a pattern replaced);
 * - `enum value removed` (old events carry it) and `enum value added` (an old consumer's
 *   `z.enum` rejects it, its exhaustive switch has no branch for it);
 * - `union branch removed` / `union branch added`, `nullable removed`;
 * - `field added to a closed object` (`additionalProperties: false`, i.e. `z.strictObject`);
 * - `keyword changed` for any constraining keyword not understood here (fail safe).
 * Not breaking: an optional field added to an open object (consumers ignore unknown fields),
 * annotations (title, description, examples, default, `x-*`), key or enum order, anyOf ↔ oneOf.
 * Recurses through properties, array `items`/`prefixItems`, `allOf`, additionalProperties
 * schemas, unions (`anyOf`/`oneOf`/type arrays: branches are paired by equality, then by type)
 * and local `$ref`s (`#`, `#/$defs/...`), recursive schemas included.
 * Paths: `$` root, `.name` a field, `[*]` an array item, `(anyOf 1)` the 2nd branch of a union.
 */
import { compareConstraints, compareOtherKeywords, compareType, compareValues, show, typeOf } from './compat-keywords';
import type { SchemaNode } from './compat-keywords';
import { asArray, asNode, branches, identity, isNull, type Side } from './compat-resolve';
import type { JSONSchema } from './json-schema';

export type { JSONSchema } from './json-schema';

interface Ctx {
  readonly prev: Side;
  readonly next: Side;
  readonly open: Map<unknown, Set<unknown>>;
}

export function breakingChanges(previous: JSONSchema, next: JSONSchema): string[] {
  const ctx: Ctx = { prev: { root: previous }, next: { root: next }, open: new Map() };
  return compare(ctx, previous, next, '$');
}

function compare(ctx: Ctx, prev: unknown, next: unknown, path: string): string[] {
  const [a, b] = [identity(ctx.prev, prev), identity(ctx.next, next)];
  const seen = ctx.open.get(a) ?? new Set();
  if (seen.has(b)) return []; // a recursive schema met again: assume compatible (coinduction)
  ctx.open.set(a, seen.add(b));
  try {
    return compareUnion(ctx, branches(ctx.prev, prev), branches(ctx.next, next), path);
  } finally {
    seen.delete(b);
  }
}

function compareUnion(ctx: Ctx, prev: SchemaNode[], next: SchemaNode[], path: string): string[] {
  const out: string[] = [];
  if (prev.length === 1 && next.length === 1) return compareBranch(ctx, prev[0]!, next[0]!, path);
  if (!prev.some(isNull) && next.some(isNull)) out.push(`${path}: nullable added`);
  if (prev.some(isNull) && !next.some(isNull)) out.push(`${path}: nullable removed`);
  const [p, n] = [prev.filter((b) => !isNull(b)), next.filter((b) => !isNull(b))];
  const label = (i: number) => (p.length > 1 ? `${path}(anyOf ${i})` : path);
  const pairs = new Map<number, number>();
  const taken = (j: number) => [...pairs.values()].includes(j);
  const cost = (i: number, j: number) => compareBranch(ctx, p[i]!, n[j]!, label(i)).length;
  const pair = (accept: (i: number, j: number) => boolean) =>
    p.forEach((_, i) => {
      if (pairs.has(i)) return;
      const fits = n.map((_, j) => j).filter((j) => !taken(j) && accept(i, j));
      const best = fits.sort((a, b) => cost(i, a) - cost(i, b))[0];
      if (best !== undefined) pairs.set(i, best);
    });
  pair((i, j) => cost(i, j) === 0);
  pair((i, j) => typeOf(p[i]!) === typeOf(n[j]!));
  if (p.length - pairs.size === 1 && n.length - pairs.size === 1) pair(() => true);
  p.forEach((branch, i) => {
    const j = pairs.get(i);
    if (j === undefined) out.push(`${label(i)}: union branch removed (${summary(branch)})`);
    else out.push(...compareBranch(ctx, branch, n[j]!, label(i)));
  });
  n.forEach((branch, j) => {
    if (!taken(j)) out.push(`${path}: union branch added (${summary(branch)})`);
  });
  return out;
}

function summary(node: SchemaNode): string {
  const props = typeof node.properties === 'object' && node.properties ? Object.keys(node.properties) : [];
  return props.length > 0 ? `object {${props.slice(0, 4).join(', ')}${props.length > 4 ? ', …' : ''}}` : show(node);
}

function compareBranch(ctx: Ctx, prev: SchemaNode, next: SchemaNode, path: string): string[] {
  const out: string[] = [];
  const report = (kind: string, detail?: string) => out.push(`${path}: ${kind}${detail ? ` (${detail})` : ''}`);
  if (!compareType(prev, next, report)) return out;
  compareValues(prev, next, report);
  compareConstraints(prev, next, report);
  compareOtherKeywords(prev, next, report);
  if (prev.properties || next.properties || prev.required || next.required) out.push(...compareObject(ctx, prev, next, path));
  compareClosed(ctx, prev.additionalProperties, next.additionalProperties, `${path}.*`, report, out);
  if (prev.items !== undefined || next.items !== undefined) {
    out.push(...compare(ctx, prev.items ?? true, next.items ?? true, `${path}[*]`));
  }
  const [pt, nt] = [asArray(prev.prefixItems), asArray(next.prefixItems)];
  for (let i = 0; i < Math.max(pt.length, nt.length); i++) out.push(...compare(ctx, pt[i] ?? true, nt[i] ?? true, `${path}[${i}]`));
  const [pa, na] = [asArray(prev.allOf), asArray(next.allOf)];
  for (let i = 0; i < Math.max(pa.length, na.length); i++) out.push(...compare(ctx, pa[i] ?? true, na[i] ?? true, `${path}(allOf ${i})`));
  return out;
}

function compareClosed(ctx: Ctx, prev: unknown, next: unknown, path: string, report: (k: string, d?: string) => void, out: string[]) {
  if (prev === next || (prev === undefined && next === true) || (prev === true && next === undefined)) return;
  if (prev === false) report('type widened', 'closed object opened: additionalProperties false removed');
  else if (next === false) report('type narrowed', 'object closed: additionalProperties false');
  else out.push(...compare(ctx, prev ?? true, next ?? true, path));
}

function compareObject(ctx: Ctx, prev: SchemaNode, next: SchemaNode, path: string): string[] {
  const out: string[] = [];
  const [pp, np] = [asNode(prev.properties), asNode(next.properties)];
  const [pr, nr] = [new Set(asArray(prev.required)), new Set(asArray(next.required))];
  const names = (props: SchemaNode, req: Set<unknown>) => [...new Set([...Object.keys(props), ...[...req].map(String)])];
  const [before, after] = [names(pp, pr), names(np, nr)];
  const at = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`);
  const added = after.filter((name) => !before.includes(name));
  for (const name of before) {
    if (!after.includes(name)) {
      const twin = added.find((a) => show(np[a]) === show(pp[name]));
      out.push(`${at(name)}: field removed or renamed${twin ? ` (renamed to "${twin}"?)` : ''}`);
      continue;
    }
    if (!pr.has(name) && nr.has(name)) out.push(`${at(name)}: optional field made required`);
    if (pr.has(name) && !nr.has(name)) out.push(`${at(name)}: required field made optional`);
    out.push(...compare(ctx, pp[name] ?? true, np[name] ?? true, at(name)));
  }
  for (const name of added) {
    if (nr.has(name)) out.push(`${at(name)}: required field added`);
    else if (prev.additionalProperties === false) out.push(`${at(name)}: field added to a closed object`);
  }
  return out;
}
