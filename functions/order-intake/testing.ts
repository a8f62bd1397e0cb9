import { randomUUID } from 'node:crypto';
import { cloudEvent, startFunction } from '../../test/support/function-server';
import { useTestDb } from '../../test/support/db';
import { memoryLogger } from '../../test/support/logger';
import { orderIntakeFunction } from './function';

/** A sales system's message as a CloudEvent (a new event id unless given). */
export const sale = (type: string, data: unknown, id = randomUUID()) => cloudEvent({ type, source: '/sales/test', id, data });

/** order-intake served on the run's test database, with what its tests read back. */
export async function startOrderIntake() {
  const db = useTestDb();
  const url = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));
  return {
    db,
    url,
    orderOf: async (system: string, salesOrderId: string) => {
      const { rows } = await db.query('SELECT * FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2', [system, salesOrderId]);
      return rows;
    },
    outboxFor: async (orderId: string) => {
      const { rows } = await db.query<{ type: string; partition_key: string; data: Record<string, unknown> }>(
        'SELECT type, partition_key, data FROM platform.outbox WHERE partition_key = $1 ORDER BY id',
        [orderId],
      );
      return rows;
    },
  };
}
