/**
 * Scalar keyword comparison for `compat.ts`: type, enum/const and value constraints of one
 * (non-union) schema node. Anything that changes the set of accepted values is reported.
 */
export type SchemaNode = Record<string, unknown>;
export type Report = (kind: string, detail?: string) => void;

const MIN_KEYWORDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties', 'minContains'];
const MAX_KEYWORDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties', 'maxContains'];
const EXACT_KEYWORDS = ['pattern', 'format', 'multipleOf', 'uniqueItems', 'contentEncoding', 'contentMediaType'];
const STRUCTURAL = ['$ref', 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'anyOf', 'oneOf', 'allOf'];
/** Annotations: they document, they do not constrain data. */
const ANNOTATIONS = [
  '$schema',
  '$id',
  '$anchor',
  '$comment',
  '$defs',
  'definitions',
  'id',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
];
const HANDLED = new Set([...MIN_KEYWORDS, ...MAX_KEYWORDS, ...EXACT_KEYWORDS, ...STRUCTURAL, ...ANNOTATIONS]);

export const show = (value: unknown): string => JSON.stringify(value) ?? 'undefined';
/** `show` for messages: a long pattern is clipped, the path and keyword already say enough. */
const brief = (value: unknown): string => {
  const text = show(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
};
const change = (keyword: string, a: unknown, b: unknown): string => (brief(a) === brief(b) ? `${keyword} changed` : `${keyword} ${brief(a)} → ${brief(b)}`);

export function typeOf(node: SchemaNode): string {
  return typeof node.type === 'string' ? node.type : 'any';
}

/** `false` when the types differ so much that comparing the rest is noise. */
export function compareType(prev: SchemaNode, next: SchemaNode, report: Report): boolean {
  const [a, b] = [typeOf(prev), typeOf(next)];
  if (a === b) return true;
  if (a === 'any' || (a === 'number' && b === 'integer')) report('type narrowed', `${a} → ${b}`);
  else if (b === 'any' || (a === 'integer' && b === 'number')) report('type widened', `${a} → ${b}`);
  else {
    report('type changed', `${a} → ${b}`);
    return false;
  }
  return true;
}

function allowedValues(node: SchemaNode): unknown[] | undefined {
  if ('const' in node) return [node.const];
  return Array.isArray(node.enum) ? node.enum : undefined;
}

export function compareValues(prev: SchemaNode, next: SchemaNode, report: Report): void {
  const [a, b] = [allowedValues(prev), allowedValues(next)];
  if (!a && !b) return;
  if (!a) return report('type narrowed', `restricted to ${show(b)}`);
  if (!b) return report('type widened', `no longer restricted to ${show(a)}`);
  const [before, after] = [new Set(a.map(show)), new Set(b.map(show))];
  for (const value of before) if (!after.has(value)) report('enum value removed', value);
  for (const value of after) if (!before.has(value)) report('enum value added', value);
}

export function compareConstraints(prev: SchemaNode, next: SchemaNode, report: Report): void {
  const bound = (keyword: string, tighter: (a: number, b: number) => boolean) => {
    const [a, b] = [prev[keyword], next[keyword]];
    if (a === b) return;
    if (a === undefined) report('type narrowed', `${keyword} ${brief(b)} added`);
    else if (b === undefined) report('type widened', `${keyword} ${brief(a)} removed`);
    else if (typeof a === 'number' && typeof b === 'number' && tighter(a, b)) {
      report('type narrowed', `${keyword} ${a} → ${b}`);
    } else report('type widened', `${keyword} ${brief(a)} → ${brief(b)}`);
  };
  for (const keyword of MIN_KEYWORDS) bound(keyword, (a, b) => b > a);
  for (const keyword of MAX_KEYWORDS) bound(keyword, (a, b) => b < a);
  for (const keyword of EXACT_KEYWORDS) {
    const [a, b] = [prev[keyword], next[keyword]];
    if (show(a) === show(b)) continue;
    if (a === undefined) report('type narrowed', `${keyword} ${brief(b)} added`);
    else if (b === undefined) report('type widened', `${keyword} ${brief(a)} removed`);
    else report('type changed', change(keyword, a, b));
  }
}

/** Keywords this module does not understand: any change is reported, never ignored. */
export function compareOtherKeywords(prev: SchemaNode, next: SchemaNode, report: Report): void {
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  for (const key of [...keys].sort()) {
    if (HANDLED.has(key) || key.startsWith('x-')) continue;
    if (show(prev[key]) !== show(next[key])) report('keyword changed', change(key, prev[key], next[key]));
  }
}
