/**
 * Writes terraform/topics.tf from the events/ catalog.
 *
 *   npx tsx terraform/render-topics.ts           write the file
 *   npx tsx terraform/render-topics.ts --check   exit 1 when the committed file is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalog } from '../events';
import { renderTopicsTf, TOPICS_TF } from './topics-tf';

const target = path.resolve(__dirname, '..', TOPICS_TF);
const expected = renderTopicsTf(catalog.map((e) => e.topic));

if (process.argv.includes('--check')) {
  const actual = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (actual === expected) {
    process.stdout.write(`${TOPICS_TF} is up to date\n`);
  } else {
    process.stderr.write(`${TOPICS_TF} is out of date; run \`npx tsx terraform/render-topics.ts\` and commit\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, expected);
  process.stdout.write(`rendered ${TOPICS_TF}\n`);
}
