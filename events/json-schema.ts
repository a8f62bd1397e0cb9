import { z } from 'zod';
import type { EventDefinition } from './define';

/**
 * The Schema Registry view of an event: a draft 2020-12 JSON Schema of its CloudEvent `data`.
 *
 * - `io: 'output'`: a consumer reads what the producer serialised, i.e. the zod OUTPUT (defaults
 *   filled in, so a defaulted field is required; transforms applied). Types with no JSON form
 *   (dates, bigints, transforms to non-JSON) throw instead of silently becoming `{}`.
 * - Open content model: output mode marks every plain `z.object` as `additionalProperties: false`
 *   (zod strips unknown keys, so the output has none). As a contract that would forbid adding an
 *   optional field, so it is dropped for plain objects; consumers must ignore unknown fields (as
 *   `z.object` does). `z.strictObject` keeps `false`, `z.looseObject` keeps its catch-all.
 * - `$id` is `urn:ahs:event:<CloudEvent type>` (usable as the CloudEvent `dataschema`), `title` the
 *   type, `x-topic` the Kafka topic.
 */
export type JSONSchema = boolean | { readonly [keyword: string]: unknown };
type SchemaObject = Record<string, unknown>;

export const SCHEMA_ID_PREFIX = 'urn:ahs:event:';

export function eventJsonSchema(def: EventDefinition): SchemaObject {
  const generated = z.toJSONSchema(def.data, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const zdef = zodSchema._zod.def;
      if (zdef.type === 'object' && !zdef.catchall && jsonSchema.additionalProperties === false) {
        delete jsonSchema.additionalProperties;
      }
    },
  }) as SchemaObject;
  const { $schema, ...body } = generated;
  return canonical({
    $schema,
    $id: `${SCHEMA_ID_PREFIX}${def.type}`,
    title: def.type,
    description: def.description,
    'x-topic': def.topic,
    ...body,
  }) as SchemaObject;
}

/** `events/schemas/<topic>.schema.json` relative to `events/`. */
export function schemaFileName(def: EventDefinition): string {
  return `${def.topic}.schema.json`;
}

/** The committed form: canonical key order, two-space indent, trailing newline. */
export function renderSchemaFile(def: EventDefinition): string {
  return `${JSON.stringify(eventJsonSchema(def), null, 2)}\n`;
}

/**
 * Keywords in a fixed reading order (identity, then type, then constraints, then children),
 * unknown keywords after them alphabetically. Names inside `properties`, `$defs` and
 * `dependentSchemas` keep declaration order, so the file reads like the zod code.
 */
const KEYWORD_ORDER = [
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'x-topic',
  'type',
  'const',
  'enum',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  '$defs',
];
const NAME_MAPS = new Set(['properties', '$defs', 'dependentSchemas', 'patternProperties']);

function keywordRank(key: string): number {
  const rank = KEYWORD_ORDER.indexOf(key);
  return rank === -1 ? KEYWORD_ORDER.length : rank;
}

function canonical(node: unknown, keepOrder = false): unknown {
  if (Array.isArray(node)) return node.map((item) => canonical(item));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as SchemaObject).filter(([, value]) => value !== undefined);
  if (!keepOrder) {
    entries.sort(([a], [b]) => keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, canonical(value, !keepOrder && NAME_MAPS.has(key))]));
}
