import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../shared/cloudevents/build';
import { toHttpBinary } from '../../shared/cloudevents/http';
import { salesOrderCreated } from '../../events';
import { pyxis, tempo } from '../fixtures/sales';
import { unique } from '../support/db';
import { eventually } from '../support/eventually';
import { startTestMesh } from '../support/mesh';

/**
 * The first vertical slice on the local mesh, as a newcomer drives it: sales published on
 * the bus, orders read back through the ingress with tokens of the dev OpenID provider.
 */
const mesh = await startTestMesh();

async function publishSale(data: unknown, id: string) {
  const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, data as never, { source: '/sales/e2e', id }));
  const response = await fetch(`${mesh.url}/_bus/topics/sales.order.created`, { method: 'POST', headers, body });
  expect(response.status).toBe(202);
}

async function get(path: string, user: string) {
  const response = await fetch(`${mesh.url}${path}`, { headers: { authorization: `Bearer ${await mesh.token(user)}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
}

const findOrder = (user: string, salesOrderId: string) =>
  eventually(async () => (await get('/service-orders/?limit=100', user)).body.items?.find((o) => o.salesOrderId === salesOrderId));

// The mesh runs five processes on two cores beside the rest of the suite: generous timeouts.
describe('the local mesh', { timeout: 90_000 }, () => {
  it('when a Pyxis sale and a Tempo sale are published, then each becomes one order visible to its country only', async () => {
    const suffix = unique();
    const es = pyxis('pyxis-created', suffix);
    const it_ = tempo('tempo-created', suffix);
    await publishSale(es, es.header.messageId);
    await publishSale(it_, it_.event_id);

    const esOrder = await findOrder('operator-es', es.order.orderNumber);
    expect(esOrder).toMatchObject({ salesSystem: 'PYXIS', countryCode: 'ES', salesChannel: 'IN_STORE' });
    const itOrder = await findOrder('admin', it_.sale.sale_ref);
    expect(itOrder).toMatchObject({ salesSystem: 'TEMPO', countryCode: 'IT', salesChannel: 'ONLINE' });

    expect((await get(`/service-orders/${String(esOrder.id)}`, 'operator-es')).status).toBe(200);
    expect((await get(`/service-orders/${String(esOrder.id)}`, 'operator-fr')).status).toBe(404);
    expect((await get(`/service-orders/${String(itOrder.id)}`, 'operator-es')).status).toBe(404);
    expect((await get(`/service-orders/${String(itOrder.id)}`, 'operator-it')).status).toBe(200);
    expect((await get(`/service-orders/${String(itOrder.id)}`, 'operator-pl')).status).toBe(404);
    const frList = await get('/service-orders/?limit=100', 'operator-fr');
    expect(frList.body.items?.some((o) => o.salesOrderId === es.order.orderNumber)).toBe(false);
  });

  it('when a sale is replayed, then nothing changes', async () => {
    const sale = pyxis('pyxis-created', unique());
    await publishSale(sale, sale.header.messageId);
    const order = await findOrder('operator-es', sale.order.orderNumber);
    await publishSale(sale, sale.header.messageId); // the same delivery again
    await publishSale(sale, `${sale.header.messageId}-replayed`); // the sales system sends it again
    await new Promise((r) => setTimeout(r, 1500));
    const list = await get(`/service-orders/?limit=100&store=ES-MAD-0042`, 'operator-es');
    const copies = list.body.items?.filter((o) => o.salesOrderId === sale.order.orderNumber) ?? [];
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ id: order.id, revision: 1, updatedAt: order.updatedAt });
  });

  it('when a malformed sale is published, then it is dead-lettered with its reason and no order exists', async () => {
    const sale = pyxis('pyxis-created', unique()) as unknown as { order: Record<string, unknown>; header: { messageId: string } };
    delete sale.order.storeCode;
    const response = await fetch(`${mesh.url}/_bus/topics/sales.order.created`, {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': sale.header.messageId,
        'ce-source': '/sales/e2e',
        'ce-type': salesOrderCreated.type,
        'content-type': 'application/json',
      },
      body: JSON.stringify(sale),
    });
    expect(response.status).toBe(202);
    const letter = await eventually(async () => {
      const list = await get('/dead-letters/?limit=200', 'admin');
      return list.body.items?.find((l) => l.event_id === sale.header.messageId);
    });
    expect(letter).toMatchObject({ event_type: salesOrderCreated.type, error_code: 400 });
    expect(String(letter.error_reason)).toContain('data.order.storeCode');
    const list = await get('/service-orders/?limit=100', 'operator-es');
    expect(list.body.items?.some((o) => o.salesOrderId === sale.order.orderNumber)).toBe(false);
  });

  it('when a sale names a product code not mapped yet, then it is dead-lettered, and replayed once an admin maps the code (product-mappings)', async () => {
    const sale = pyxis('pyxis-created', unique());
    const code = `PYX-SRV-NEW-${unique()}`;
    sale.order.lines[1]!.productCode = code;
    await publishSale(sale, sale.header.messageId);
    const letter = await eventually(async () => (await get('/dead-letters/?limit=200', 'admin')).body.items?.find((l) => l.event_id === sale.header.messageId));
    expect(String(letter.error_reason)).toContain(code);

    // The supported fix, through the ingress: an admin maps the code (product-mappings).
    const mapped = await fetch(`${mesh.url}/product-mappings/PYXIS/${code}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await mesh.token('admin')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceProductCode: 'WORKTOP_INSTALL' }),
    });
    expect(mapped.status).toBe(200);
    const replay = await fetch(`${mesh.url}/dead-letters/${String(letter.id)}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await mesh.token('admin')}` },
    });
    expect(replay.status).toBe(202);
    expect(await findOrder('operator-es', sale.order.orderNumber)).toMatchObject({ salesSystem: 'PYXIS', revision: 1 });
  });

  it('when the same sale is published in store and online, then the online order shows the channel rule and a lower total (pricing-rules)', async () => {
    const rules = await get('/pricing-rules/?countryCode=ES&salesChannel=ONLINE&serviceProductCode=WORKTOP_INSTALL&validOn=2026-11-28', 'admin');
    expect(rules).toMatchObject({ status: 200, body: { items: [{ percentAdjustment: -5 }] } });
    expect((await get('/pricing-rules/', 'operator-es')).status).toBe(403);

    const store = pyxis('pyxis-created', unique());
    const online = pyxis('pyxis-created', unique());
    online.order.channel = 'WEB';
    await publishSale(store, store.header.messageId);
    await publishSale(online, online.header.messageId);
    const totals: unknown[] = [];
    for (const sale of [store, online]) {
      const order = await findOrder('operator-es', sale.order.orderNumber);
      totals.push((await get(`/service-orders/${String(order.id)}`, 'operator-es')).body.price);
    }
    expect(totals).toEqual([
      { currency: 'EUR', listPriceMinor: 153_000, channelAdjustmentMinor: 0, totalMinor: 153_000 },
      { currency: 'EUR', listPriceMinor: 153_000, channelAdjustmentMinor: -7_650, totalMinor: 145_350 },
    ]);
  });

  it('when the outbox relay runs, then the service order events reach the bus', async () => {
    const sale = pyxis('pyxis-created', unique());
    const seen: string[] = [];
    await mesh.bus.subscribe({ group: `e2e-${unique()}`, topics: ['orders.service-order.created'], handle: async (r) => void seen.push(r.key ?? '') });
    await publishSale(sale, sale.header.messageId);
    const order = await findOrder('operator-es', sale.order.orderNumber);
    await eventually(async () => (seen.includes(String(order.id)) ? true : undefined)).catch((error: unknown) => {
      throw new Error(`${String(error)}\nmesh log:\n${mesh.logs.slice(-40).join('\n')}`);
    });
  });
});
