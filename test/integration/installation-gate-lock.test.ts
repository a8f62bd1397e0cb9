import { describe, expect, it } from 'vitest';
import { withTransaction } from '../../shared/db';
import { assertInstallationSchedulable } from '../../shared/domain/installation-gate';
import { useTestDb } from '../support/db';
import { useOrderSeller } from '../support/tv';

// On the real Postgres server only (npm run test:integration): PGlite runs one transaction at
// a time, so a lock held by one connection cannot be observed from another there.
const db = useTestDb();
const sell = await useOrderSeller(db);

describe('installation gate under concurrency', () => {
  it('when a booking holds the check, then the TV cannot cancel the installation until it commits', async () => {
    const order = await sell('pyxis-created');
    await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = $1`, [order.id]);
    await withTransaction(db, async (tx) => {
      await assertInstallationSchedulable(tx, order.id);
      const other = await db.connect();
      try {
        await other.query('BEGIN');
        await other.query("SET LOCAL lock_timeout = '200ms'");
        const error = await other.query("UPDATE orders.service_orders SET installation_status = 'cancelled' WHERE id = $1", [order.id]).then(
          () => undefined,
          (e: unknown) => e as { code?: string },
        );
        expect(error?.code).toBe('55P03');
      } finally {
        await other.query('ROLLBACK');
        other.release();
      }
    });
  });
});
