/** `$ref` resolution and union flattening for `compat.ts`. Only local refs (`#...`) are supported. */
import { show, type SchemaNode } from './compat-keywords';
import type { JSONSchema } from './json-schema';

/** One of the two documents being compared: `$ref`s resolve against its root. */
export interface Side {
  readonly root: JSONSchema;
}

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const asNode = (schema: unknown): SchemaNode =>
  schema === false ? { not: {} } : typeof schema === 'object' && schema !== null ? (schema as SchemaNode) : {};

export function resolve(side: Side, schema: unknown, depth = 0): SchemaNode {
  const node = asNode(schema);
  if (typeof node.$ref !== 'string') return node;
  if (!node.$ref.startsWith('#') || depth > 32) throw new Error(`cannot resolve $ref ${node.$ref}`);
  let target: unknown = side.root;
  for (const raw of node.$ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    target = typeof target === 'object' && target !== null ? (target as SchemaNode)[key] : undefined;
  }
  if (target === undefined) throw new Error(`cannot resolve $ref ${node.$ref}`);
  const { $ref: _ref, ...siblings } = node;
  const resolved = resolve(side, target, depth + 1);
  return Object.keys(siblings).length === 0 ? resolved : { ...resolved, ...siblings };
}

/** A schema as a list of union branches: anyOf/oneOf flattened, `type: [a, b]` split. */
export function branches(side: Side, schema: unknown): SchemaNode[] {
  const node = resolve(side, schema);
  const { anyOf, oneOf, ...rest } = node;
  const union = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined;
  if (union) return union.flatMap((member) => branches(side, { ...rest, ...resolve(side, member) }));
  if (Array.isArray(node.type)) return node.type.map((type: unknown) => ({ ...node, type }));
  return [node];
}

export const isNull = (node: SchemaNode) => node.type === 'null' || show(node.const) === 'null';

/** What a bare `{ $ref }` points at, so a recursive schema met again is recognised. */
export function identity(side: Side, schema: unknown): unknown {
  const node = asNode(schema);
  return Object.keys(node).length === 1 && typeof node.$ref === 'string' ? resolve(side, node) : schema;
}
