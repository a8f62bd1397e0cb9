import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { breakingChanges } from './compat';
import type { EventDefinition } from './define';
import { catalog } from './index';
import { eventJsonSchema, renderSchemaFile, schemaFileName, type JSONSchema } from './json-schema';

/** Where the committed Schema Registry export lives: `events/schemas/<topic>.schema.json`. */
export const SCHEMAS_DIR = path.join(__dirname, 'schemas');
const SUFFIX = '.schema.json';

export interface SchemaFile {
  readonly event: EventDefinition;
  readonly file: string;
  readonly text: string;
}

export function renderSchemaFiles(events: readonly EventDefinition[] = catalog): SchemaFile[] {
  return events.map((event) => ({ event, file: schemaFileName(event), text: renderSchemaFile(event) }));
}

/** The committed schema files by file name. */
export function readCommittedSchemas(dir: string = SCHEMAS_DIR): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .sort();
  return new Map(files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

/** One line per event whose committed schema is missing, stale or has no event any more. */
export function schemaDrift(dir: string = SCHEMAS_DIR, events: readonly EventDefinition[] = catalog): string[] {
  const committed = readCommittedSchemas(dir);
  const files = renderSchemaFiles(events);
  const problems: string[] = [];
  for (const { event, file, text } of files) {
    const have = committed.get(file);
    if (have === undefined) problems.push(`${event.type}: missing ${file}`);
    else if (have !== text) problems.push(`${event.type}: ${file} differs from the code`);
  }
  const expected = new Set(files.map((f) => f.file));
  for (const file of committed.keys()) {
    if (!expected.has(file)) problems.push(`${file}: extra (no catalog event has topic ${file.slice(0, -SUFFIX.length)})`);
  }
  return problems;
}

/**
 * Breaking changes of the code against the committed schemas, prefixed with the event type.
 * An event dropped from the catalog is itself breaking; a new event is not.
 */
export function breakingAgainstCommitted(dir: string = SCHEMAS_DIR, events: readonly EventDefinition[] = catalog): string[] {
  const committed = readCommittedSchemas(dir);
  const problems: string[] = [];
  for (const event of events) {
    const text = committed.get(schemaFileName(event));
    if (text === undefined) continue;
    const changes = breakingChanges(JSON.parse(text) as JSONSchema, eventJsonSchema(event));
    problems.push(...changes.map((change) => `${event.type}: ${change}`));
  }
  const current = new Set(events.map(schemaFileName));
  for (const file of committed.keys()) {
    if (!current.has(file)) problems.push(`${file.slice(0, -SUFFIX.length)}: event removed from the catalog`);
  }
  return problems;
}

/** Writes every schema file and deletes the ones no event renders any more; returns what it did. */
export function writeSchemaFiles(dir: string = SCHEMAS_DIR, files: readonly SchemaFile[] = renderSchemaFiles()): string[] {
  mkdirSync(dir, { recursive: true });
  const done: string[] = [];
  for (const { file, text } of files) {
    writeFileSync(path.join(dir, file), text);
    done.push(`wrote ${path.relative(process.cwd(), path.join(dir, file))}`);
  }
  const expected = new Set(files.map((f) => f.file));
  for (const file of readCommittedSchemas(dir).keys()) {
    if (expected.has(file)) continue;
    rmSync(path.join(dir, file));
    done.push(`removed ${path.relative(process.cwd(), path.join(dir, file))}`);
  }
  return done;
}
