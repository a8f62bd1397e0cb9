import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { salesOrderCreated } from '../../events';
import { startEmbeddedPostgres } from '../../mesh/embedded-postgres';
import { migrateEngine } from '../../mesh/engine/migrate';
import { buildEvent } from '../../shared/cloudevents/build';
import { toHttpBinary } from '../../shared/cloudevents/http';
import { createPool, type Db } from '../../shared/db';
import { migrate } from '../../shared/db/migrate';
import { seed } from '../../shared/db/seed/seed';
import type { Logger } from '../../shared/logging';
import { serve, type RequestHandler } from '../../shared/runtime';
import { pyxis } from '../../test/fixtures/sales';

/** What the flow benchmarks (bench:wcf, bench:claim) share: an embedded database and functions on free ports. */

/** An embedded Postgres migrated (platform and engine) and seeded, with a pool of 10; `close` ends both. */
export async function flowDatabase(): Promise<{ db: Db; close: () => Promise<void> }> {
  const embedded = await startEmbeddedPostgres();
  await migrate({ databaseUrl: embedded.url });
  await migrateEngine(embedded.url);
  await seed(embedded.url);
  const db = createPool({ connectionString: embedded.url, max: 10 });
  return {
    db,
    close: async () => {
      await db.end();
      await embedded.close();
    },
  };
}

/** Serves a function on a free local port. */
export async function listen(name: string, handler: RequestHandler, logger: Logger): Promise<{ url: string; server: Server }> {
  const server = await serve(name, handler, { port: 0, host: '127.0.0.1', logger, exitOnShutdown: false });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Sells one Pyxis ES kitchen through the real order-intake (`prefix` marks the bench's sale references). */
export function kitchenSeller(db: Db, intakeUrl: string, prefix: string) {
  return async () => {
    const sale = pyxis('pyxis-created', `${prefix}${Date.now().toString(36)}${randomUUID().slice(0, 6)}`);
    const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/bench/sales', id: sale.header.messageId }));
    const answer = await fetch(intakeUrl, { method: 'POST', headers, body });
    if (answer.status !== 200) throw new Error(`order-intake answered ${answer.status}`);
    const { rows } = await db.query<{ id: string; customer_id: string }>(`SELECT id, customer_id FROM orders.service_orders WHERE sales_order_id = $1`, [
      sale.order.orderNumber,
    ]);
    return { id: rows[0]!.id, customerId: rows[0]!.customer_id, salesOrderId: sale.order.orderNumber };
  };
}
