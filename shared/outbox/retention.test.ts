import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { pruneDelivered } from './retention';

const db = useTestDb();

async function outboxRow(publishedDaysAgo: number | null): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO platform.outbox (event_id, topic, type, source, partition_key, data, published_at)
     VALUES ($1::uuid, 'test.retention.kept', 'ahs.test', '/test', $1::text, '{}', $2)`,
    [id, publishedDaysAgo === null ? null : new Date(Date.now() - publishedDaysAgo * 86_400_000)],
  );
  return id;
}

async function exists(table: 'outbox' | 'inbox', id: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM platform.${table} WHERE event_id = $1`, [id]);
  return rows.length === 1;
}

describe('pruneDelivered', () => {
  it('when outbox rows were published before the retention, then only those are deleted; unpublished ones stay', async () => {
    const old = await outboxRow(10);
    const recent = await outboxRow(1);
    const pending = await outboxRow(null);
    await db.query("UPDATE platform.outbox SET created_at = NOW() - interval '30 days' WHERE event_id = $1", [pending]);
    const pruned = await pruneDelivered(db, { outboxDays: 7, inboxDays: 30 });
    expect(pruned.outbox).toBeGreaterThanOrEqual(1);
    expect(await exists('outbox', old)).toBe(false);
    expect(await exists('outbox', recent)).toBe(true);
    expect(await exists('outbox', pending)).toBe(true);
  });

  it('when inbox rows are older than the retention, then they are deleted and recent ones stay', async () => {
    const consumer = `retention-${unique()}`;
    await db.query(
      `INSERT INTO platform.inbox (consumer, source, event_id, type, received_at)
       VALUES ($1, '/t', 'old', 't', NOW() - interval '40 days'), ($1, '/t', 'new', 't', NOW())`,
      [consumer],
    );
    await pruneDelivered(db, { outboxDays: 7, inboxDays: 30 });
    const { rows } = await db.query('SELECT event_id FROM platform.inbox WHERE consumer = $1', [consumer]);
    expect(rows).toEqual([{ event_id: 'new' }]);
  });

  it('when stored worker answers and HTTP answers are older than the inbox retention, then they are deleted and recent ones stay', async () => {
    const worker = `retention-${unique()}`;
    await db.query(
      `INSERT INTO platform.job_results (worker, job_key, task_type, status, answer, created_at)
       VALUES ($1, 'old', 't', 200, '{}', NOW() - interval '40 days'), ($1, 'new', 't', 200, '{}', NOW())`,
      [worker],
    );
    await db.query(
      `INSERT INTO platform.idempotency_keys (scope, subject, key, request_hash, status, response, created_at)
       VALUES ($1, 's', 'old', repeat('0', 64), 200, '{}', NOW() - interval '40 days'), ($1, 's', 'new', repeat('0', 64), 200, '{}', NOW())`,
      [worker],
    );
    await pruneDelivered(db, { outboxDays: 7, inboxDays: 30 });
    expect((await db.query('SELECT job_key FROM platform.job_results WHERE worker = $1', [worker])).rows).toEqual([{ job_key: 'new' }]);
    expect((await db.query('SELECT key FROM platform.idempotency_keys WHERE scope = $1', [worker])).rows).toEqual([{ key: 'new' }]);
  });
});
