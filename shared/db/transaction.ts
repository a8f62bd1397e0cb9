import type { Db, DbClient } from './pool';
import { classifyDbError } from './pool';

/**
 * Runs `work` inside one transaction: committed when it resolves, rolled back when it
 * throws. State changes, outbox rows and inbox rows written through `tx` commit together.
 */
export async function withTransaction<T>(db: Db, work: (tx: DbClient) => Promise<T>): Promise<T> {
  let client: DbClient;
  try {
    client = await db.connect();
  } catch (error) {
    throw classifyDbError(error);
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw classifyDbError(error);
  } finally {
    client.release(broken);
  }
}
