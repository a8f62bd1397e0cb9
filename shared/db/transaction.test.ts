import { describe, expect, inject, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { RetryableError, PermanentError } from '../errors';
import { classifyDbError, createPool, isUniqueViolation } from './pool';
import { withTransaction } from './transaction';

const db = useTestDb();

// platform.inbox is a convenient table to write in: a unique consumer keeps this file's rows apart.
const insertRow = (q: { query: typeof db.query }, consumer: string, id = 'e-1') =>
  q.query('INSERT INTO platform.inbox (consumer, source, event_id, type) VALUES ($1, $2, $3, $4)', [consumer, '/tx-test', id, 'test']);

async function rowsOf(consumer: string): Promise<string[]> {
  const { rows } = await db.query<{ event_id: string }>('SELECT event_id FROM platform.inbox WHERE consumer = $1 ORDER BY event_id', [consumer]);
  return rows.map((r) => r.event_id);
}

describe('withTransaction', () => {
  it('when the work resolves, then its writes are committed and its result returned', async () => {
    const consumer = `tx-commit-${unique()}`;
    const result = await withTransaction(db, async (tx) => {
      await insertRow(tx, consumer, 'a');
      await insertRow(tx, consumer, 'b');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await rowsOf(consumer)).toEqual(['a', 'b']);
  });

  it('when the work throws, then every write is rolled back and the same error is rethrown', async () => {
    const consumer = `tx-rollback-${unique()}`;
    const boom = new Error('handler failed');
    await expect(
      withTransaction(db, async (tx) => {
        await insertRow(tx, consumer, 'a');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await rowsOf(consumer)).toEqual([]);
  });

  it('when a statement fails inside, then the transaction is rolled back and its connection serves the next one', async () => {
    const consumer = `tx-sql-${unique()}`;
    const single = createPool({ connectionString: inject('databaseUrl'), max: 1 });
    try {
      const error = await withTransaction(single, async (tx) => {
        await insertRow(tx, consumer, 'a');
        await insertRow(tx, consumer, 'a');
      }).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      await withTransaction(single, (tx) => insertRow(tx, consumer, 'b'));
    } finally {
      await single.end();
    }
    expect(await rowsOf(consumer)).toEqual(['b']);
  });

  it('when the database refuses the connection, then RetryableError', async () => {
    const down = createPool({ connectionString: 'postgres://postgres:postgres@127.0.0.1:1/postgres', max: 1 });
    try {
      const error = await withTransaction(down, () => Promise.resolve(1)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableError);
      expect((error as RetryableError).message).toMatch(/ECONNREFUSED/);
    } finally {
      await down.end();
    }
  });

  it('when the database reports a serialization failure, then RetryableError carrying the original as cause', async () => {
    const error = await withTransaction(db, (tx) => tx.query(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$`)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(((error as RetryableError).cause as { code?: string }).code).toBe('40001');
  });
});

describe('classifyDbError', () => {
  it.each(['40001', '40P01', '55P03', '57P01', '53300', '08006', '08001', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])(
    'when the code is %s, then RetryableError',
    (code) => {
      const original = Object.assign(new Error('db'), { code });
      const classified = classifyDbError(original);
      expect(classified).toBeInstanceOf(RetryableError);
      expect((classified as RetryableError).cause).toBe(original);
    },
  );

  it.each(['22P05', '22003', '22021'])('when the code is %s (a value the database cannot store), then PermanentError', (code) => {
    const classified = classifyDbError(Object.assign(new Error('bad value'), { code }));
    expect(classified).toBeInstanceOf(PermanentError);
    expect((classified as PermanentError).reason).toBe('invalid-value');
  });

  it('when the error is a constraint violation, a syntax error, codeless or not an object, then it is left as is', () => {
    for (const error of [
      Object.assign(new Error('dup'), { code: '23505' }),
      Object.assign(new Error('syntax'), { code: '42601' }),
      new Error('plain'),
      'text',
      null,
    ]) {
      expect(classifyDbError(error)).toBe(error);
    }
  });
});

describe('isUniqueViolation', () => {
  it('when a real insert hits the primary key, then it is a unique violation of that constraint only', async () => {
    const consumer = `tx-unique-${unique()}`;
    await insertRow(db, consumer);
    const error = await insertRow(db, consumer).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'inbox_pkey')).toBe(true);
    expect(isUniqueViolation(error, 'outbox_event_id_key')).toBe(false);
  });

  it('when the error is anything else, then false', async () => {
    const notNull = await db.query('INSERT INTO platform.inbox (consumer) VALUES ($1)', [`tx-${unique()}`]).catch((e: unknown) => e);
    expect(isUniqueViolation(notNull)).toBe(false);
    expect(isUniqueViolation(new Error('x'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
