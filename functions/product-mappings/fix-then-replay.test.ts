import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { salesOrderCreated } from '../../events';
import { pyxis } from '../../test/fixtures/sales';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { deadLettersFunction } from '../dead-letters/function';
import { orderIntakeFunction } from '../order-intake/function';
import { productMappingsFunction } from './function';

const db = useTestDb();
const identity = await useDevIdentity();
const deps = { db, authenticator: identity.authenticator, logger: memoryLogger() };
const intake = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));
const deadLetters = await startFunction('dead-letters', deadLettersFunction(deps));
const mappings = await startFunction('product-mappings', productMappingsFunction(deps));

const admin = async () => ({ authorization: await identity.bearer('admin'), 'content-type': 'application/json' });

describe('a sale dead-lettered for an unknown product code, fixed with a mapping, then replayed', () => {
  it('when the admin adds the mapping and replays the dead letter, then order-intake creates the order with the mapped product', async () => {
    const suffix = unique();
    const newCode = `PYX-SRV-NEW-${suffix}`;
    const sale = pyxis('pyxis-created', suffix);
    const line = sale.order.lines[1];
    if (!line) throw new Error('the fixture has two lines');
    line.productCode = newCode;
    const attributes = { type: salesOrderCreated.type, source: '/sales/pyxis', id: randomUUID(), data: sale };
    const event = cloudEvent(attributes);

    // order-intake refuses it for good (400): the KafkaSource sends it to the dead letter sink.
    expect(await postEvent(intake, event)).toMatchObject({ status: 400, body: { reason: `unknown PYXIS product code(s): ${newCode}` } });
    const sunk = cloudEvent({ ...attributes, knativeerrorcode: '400', knativeerrordest: 'http://order-intake/' });
    expect((await postEvent(deadLetters, sunk)).status).toBe(200);
    const {
      rows: [letter],
    } = await db.query<{ id: string }>('SELECT id FROM platform.dead_letters WHERE event_id = $1', [attributes.id]);

    // The fix: the new code maps to a catalogue product.
    const put = await fetch(`${mappings}/PYXIS/${newCode}`, {
      method: 'PUT',
      headers: await admin(),
      body: JSON.stringify({ serviceProductCode: 'WORKTOP_INSTALL' }),
    });
    expect(put.status).toBe(200);

    // The replay publishes the sale again through the outbox; the relay and the KafkaSource deliver it.
    const replay = await fetch(`${deadLetters}/${letter?.id}/replay`, { method: 'POST', headers: await admin() });
    expect(replay.status).toBe(202);
    const { replayedAs } = (await replay.json()) as { replayedAs: string };
    const {
      rows: [published],
    } = await db.query<{ type: string; source: string; data: unknown }>('SELECT type, source, data FROM platform.outbox WHERE event_id = $1', [replayedAs]);
    if (!published) throw new Error('the replay put nothing in the outbox');
    expect(await postEvent(intake, cloudEvent({ type: published.type, source: published.source, id: replayedAs, data: published.data }))).toMatchObject({
      status: 200,
      body: { result: 'applied' },
    });

    const { rows: lines } = await db.query(
      `SELECT l.sales_product_code, l.service_product_code FROM orders.service_orders o
         JOIN orders.service_order_lines l ON l.service_order_id = o.id
        WHERE o.sales_system = 'PYXIS' AND o.sales_order_id = $1 ORDER BY l.line_no`,
      [sale.order.orderNumber],
    );
    expect(lines).toEqual([
      { sales_product_code: 'PYX-SRV-KIT-STD', service_product_code: 'KITCHEN_INSTALL_STD' },
      { sales_product_code: newCode, service_product_code: 'WORKTOP_INSTALL' },
    ]);
  });
});
