/**
 * Schema Registry export of the event catalog: one JSON Schema per event in
 * events/schemas/<topic>.schema.json.
 *
 *   npx tsx events/export-schemas.ts                    write the schemas (refuses breaking changes)
 *   npx tsx events/export-schemas.ts --check            exit 1 listing stale, missing or extra schemas
 *   npx tsx events/export-schemas.ts --allow-breaking   write even if consumers would break
 *
 * The committed schemas are the contract consumers rely on, so the export will not overwrite one
 * with a breaking change: change the shape compatibly, or publish a new event type (new CloudEvent
 * type and topic) next to the old one. `--allow-breaking` is for a break agreed with every consumer.
 */
import { breakingAgainstCommitted, schemaDrift, writeSchemaFiles } from './schema-files';

const lines = (items: readonly string[]) => items.map((item) => `  ${item}\n`).join('');

function main(argv: readonly string[]): number {
  const breaking = breakingAgainstCommitted();
  if (argv.includes('--check')) {
    const drift = schemaDrift();
    if (drift.length === 0) {
      process.stdout.write('event schemas are up to date\n');
      return 0;
    }
    process.stderr.write('event schemas are out of date; run `npx tsx events/export-schemas.ts` and commit:\n' + lines(drift));
    if (breaking.length > 0) process.stderr.write('of which breaking for consumers:\n' + lines(breaking));
    return 1;
  }
  if (breaking.length > 0 && !argv.includes('--allow-breaking')) {
    process.stderr.write(
      'refusing to export: these changes break consumers of events already published:\n' +
        lines(breaking) +
        'keep the old shape and add a new event type (CloudEvent type and topic) for the new one.\n',
    );
    return 1;
  }
  process.stdout.write(lines(writeSchemaFiles()));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
