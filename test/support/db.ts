import { afterAll, inject } from 'vitest';
import { createPool, type Db } from '../../shared/db';

/** A pool on the run's test database, closed after the file's tests. */
export function useTestDb(max = 5): Db {
  const db = createPool({ connectionString: inject('databaseUrl'), max });
  afterAll(() => db.end());
  return db;
}

/** A suffix that keeps one test's rows apart from every other test's. */
export function unique(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`.toUpperCase();
}
