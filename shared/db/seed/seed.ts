import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export const SEED_SQL = path.join(__dirname, 'seed.sql');

/** Applies the local seed data (idempotent). Not for production databases. */
export async function seed(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(readFileSync(SEED_SQL, 'utf8'));
  } finally {
    await client.end();
  }
}
