import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { salesOrderCreated, salesOrderUpdated, type PyxisOrderMessage, type TempoSaleMessage } from '../../events';
import { pyxis, tempo, type PyxisFixture } from '../../test/fixtures/sales';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { orderIntakeFunction } from '../order-intake/function';
import { serviceOrdersFunction } from './function';

export type Json = Record<string, unknown>;
export interface Page {
  items: Json[];
  nextCursor: string | null;
}

/**
 * What the service-orders tests share: the function served with the real dev OpenID
 * provider and database, orders created through the real order-intake function, and
 * one order per country / channel / status for the read-only cases.
 */
export async function startServiceOrdersHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const intakeUrl = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));
  const url = await startFunction('service-orders', serviceOrdersFunction({ db, authenticator: identity.authenticator, logger: memoryLogger() }));

  type Json = Record<string, unknown>;
  interface Page {
    items: Json[];
    nextCursor: string | null;
  }

  /** Creates (or updates) an order the way production does: a sales event posted to order-intake. */
  async function sell(message: PyxisOrderMessage | TempoSaleMessage, type: string = salesOrderCreated.type): Promise<string> {
    const answer = await postEvent(intakeUrl, cloudEvent({ type, source: '/sales/test', id: randomUUID(), data: message }));
    expect(answer.body).toMatchObject({ result: 'applied' });
    const [system, salesOrderId] = 'header' in message ? ['PYXIS', message.order.orderNumber] : ['TEMPO', message.sale.sale_ref];
    const { rows } = await db.query<{ id: string }>('SELECT id FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2', [
      system,
      salesOrderId,
    ]);
    expect(rows).toHaveLength(1);
    return rows[0]!.id;
  }

  function sellPyxis(name: PyxisFixture, edit: (order: PyxisOrderMessage['order']) => void = () => undefined, suffix = unique()) {
    const message = pyxis(name, suffix);
    edit(message.order);
    return sell(message);
  }

  async function get(path: string, authorization?: string): Promise<{ status: number; body: Json; headers: Headers }> {
    const response = await fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  }

  /** Every page of the caller's list for `query` (walked with nextCursor), as one list of items. */
  async function listAll(authorization: string, query: Record<string, string> = {}): Promise<Json[]> {
    const items: Json[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const params = new URLSearchParams({ ...query, limit: '100', ...(cursor ? { cursor } : {}) });
      const answer = await get(`/?${params.toString()}`, authorization);
      expect(answer.status).toBe(200);
      const page = answer.body as unknown as Page;
      items.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('list did not end within 100 pages');
  }

  const ids = (items: Json[]) => items.map((i) => i.id as string);

  async function seedOrders() {
    const orders = { esStore: '', esOnline: '', esCancelled: '', frStore: '', frPhone: '', itOnline: '' };
    orders.esStore = await sellPyxis('pyxis-created');
    orders.esOnline = await sellPyxis('pyxis-created', (o) => Object.assign(o, { storeCode: 'ES-MAD-0057', channel: 'WEB' }));
    const suffix = unique();
    orders.esCancelled = await sellPyxis('pyxis-created', () => undefined, suffix);
    const cancel = pyxis('pyxis-updated', suffix);
    cancel.order.status = 'CANCELLED';
    await sell(cancel, salesOrderUpdated.type);
    const frSuffix = unique();
    orders.frStore = await sellPyxis('pyxis-created-fr-store', () => undefined, frSuffix);
    orders.frPhone = await sellPyxis('pyxis-created-fr-phone', () => undefined, frSuffix);
    orders.itOnline = await sell(tempo('tempo-created', unique()));
    return orders;
  }

  return { db, identity, url, sell, sellPyxis, get, listAll, ids, seedOrders };
}
