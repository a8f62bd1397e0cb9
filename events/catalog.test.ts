import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { breakingChanges } from './compat';
import { defineEvent } from './define';
import {
  catalog,
  pyxisOrderMessage,
  salesOrderCreated,
  salesOrderMessage,
  salesOrderUpdated,
  serviceOrderCreated,
  serviceOrderSnapshot,
  tempoSaleMessage,
} from './index';
import { eventJsonSchema, schemaFileName, type JSONSchema } from './json-schema';
import { breakingAgainstCommitted, readCommittedSchemas, schemaDrift, SCHEMAS_DIR, writeSchemaFiles } from './schema-files';

const committed = readCommittedSchemas();
const committedSchema = (file: string): JSONSchema => JSON.parse(committed.get(file) ?? 'false') as JSONSchema;

describe('event catalog: committed schemas', () => {
  it('when the schemas are rendered from the code, then events/schemas matches them (run `npx tsx events/export-schemas.ts` otherwise)', () => {
    expect(schemaDrift()).toEqual([]);
  });

  it.each(catalog.map((e) => [e.type, e] as const))(
    'when %s is compared with its committed schema, then no consumer breaks (add a new event type instead)',
    (_, event) => {
      expect(committed.has(schemaFileName(event))).toBe(true);
      expect(breakingChanges(committedSchema(schemaFileName(event)), eventJsonSchema(event))).toEqual([]);
    },
  );

  it('when a field is dropped from a catalog event, then the guard names that field', () => {
    const changed = defineEvent({ ...serviceOrderCreated, data: serviceOrderSnapshot.omit({ postalCode: true }) });
    expect(breakingAgainstCommitted(SCHEMAS_DIR, [changed])).toContain('ahs.orders.service-order.created: $.postalCode: field removed or renamed');
  });
});

describe('event catalog: export files', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when a schema is stale, missing or extra, then --check lists each one', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'event-schemas-'));
    writeSchemaFiles(dir);
    expect(schemaDrift(dir)).toEqual([]);
    const [first, second] = catalog;
    writeFileSync(path.join(dir, schemaFileName(first!)), '{}\n');
    unlinkSync(path.join(dir, schemaFileName(second!)));
    writeFileSync(path.join(dir, 'sales.order.deleted.schema.json'), '{}\n');
    expect(schemaDrift(dir)).toEqual([
      `${first!.type}: ${schemaFileName(first!)} differs from the code`,
      `${second!.type}: missing ${schemaFileName(second!)}`,
      'sales.order.deleted.schema.json: extra (no catalog event has topic sales.order.deleted)',
    ]);
    expect(breakingAgainstCommitted(dir)).toContain('sales.order.deleted: event removed from the catalog');
  });

  it('when the export runs, then it writes one file per event and removes the extra ones', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'event-schemas-'));
    writeFileSync(path.join(dir, 'sales.order.deleted.schema.json'), '{}\n');
    writeSchemaFiles(dir);
    expect(readdirSync(dir).sort()).toEqual(catalog.map(schemaFileName).sort());
  });

  it('when a schema is exported, then it carries the CloudEvent type, the topic and draft 2020-12', () => {
    expect(eventJsonSchema(serviceOrderCreated)).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:ahs:event:ahs.orders.service-order.created',
      title: 'ahs.orders.service-order.created',
      'x-topic': 'orders.service-order.created',
      type: 'object',
    });
    expect(JSON.stringify(eventJsonSchema(serviceOrderCreated))).not.toContain('"additionalProperties":false');
  });
});

describe('event catalog: invariants', () => {
  it('when the catalog is listed, then topics and CloudEvent types are unique', () => {
    expect(new Set(catalog.map((e) => e.topic)).size).toBe(catalog.length);
    expect(new Set(catalog.map((e) => e.type)).size).toBe(catalog.length);
  });

  it.each(catalog.map((e) => [e.topic] as const))('when topic %s is read, then it is {domain}.{entity}.{action}', (topic) => {
    expect(topic).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
  });
});

const EXAMPLES = path.join(__dirname, 'sales', 'examples');
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as Record<string, unknown>] as const);

describe('event catalog: sales examples', () => {
  it('when the examples folder is read, then it holds both Pyxis and Tempo examples and nothing else', () => {
    expect(examples.some(([f]) => f.startsWith('pyxis-'))).toBe(true);
    expect(examples.some(([f]) => f.startsWith('tempo-'))).toBe(true);
    for (const [file] of examples) expect(file).toMatch(/^(pyxis|tempo)-/);
  });

  it.each(examples)('when %s is parsed, then it is a valid sales order message of its system', (file, message) => {
    expect(salesOrderMessage.safeParse(message).error).toBeUndefined();
    const own = file.startsWith('pyxis-') ? pyxisOrderMessage : tempoSaleMessage;
    expect(own.safeParse(message).error).toBeUndefined();
  });

  it.each(examples)('when %s is keyed, then the partition key is its sales order number', (file, message) => {
    const data = salesOrderMessage.parse(message);
    const raw = message as { order?: { orderNumber?: unknown }; sale?: { sale_ref?: unknown } };
    const expected = file.startsWith('pyxis-') ? raw.order?.orderNumber : raw.sale?.sale_ref;
    expect(typeof expected).toBe('string');
    expect(salesOrderCreated.partitionKey(data)).toBe(expected);
    expect(salesOrderUpdated.partitionKey(data)).toBe(expected);
  });
});
