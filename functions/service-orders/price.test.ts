import { describe, expect, it } from 'vitest';
import { serviceOrderCreated } from '../../events';
import { tempo } from '../../test/fixtures/sales';
import { unique } from '../../test/support/db';
import { startServiceOrdersHarness } from './testing';

const h = await startServiceOrdersHarness();
const { db, identity, sell, sellPyxis, get } = h;

/** The order as GET /:id shows it to an admin. */
async function read(id: string) {
  const answer = await get(`/${id}`, await identity.bearer('admin'));
  expect(answer.status).toBe(200);
  return answer.body as { price: unknown; lines: Record<string, unknown>[] };
}

async function createdEvent(id: string) {
  const { rows } = await db.query<{ data: Record<string, unknown> }>('SELECT data FROM platform.outbox WHERE partition_key = $1 AND type = $2', [
    id,
    serviceOrderCreated.type,
  ]);
  expect(rows).toHaveLength(1);
  return rows[0]!.data;
}

async function seededRule(country: string, channel: string, product: string, validFrom: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM org.channel_pricing_rules WHERE country_code = $1 AND sales_channel = $2 AND service_product_code = $3 AND valid_from = $4`,
    [country, channel, product, validFrom],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

/** The Madrid kitchen sale (kitchen EUR 1,290 + worktop EUR 240), as sold through `channel` at `soldAt`. */
const madridKitchen = (channel: 'IN_STORE' | 'WEB', soldAt = '2026-11-28T10:12:41Z') =>
  sellPyxis('pyxis-created', (o) => Object.assign(o, { channel, soldAt }));

describe('channel pricing at intake', () => {
  it('when the same products are sold in store and online in Spain, then the online order shows the -5 % rule and a lower total', async () => {
    const inStore = await read(await madridKitchen('IN_STORE'));
    expect(inStore.price).toEqual({ currency: 'EUR', listPriceMinor: 153_000, channelAdjustmentMinor: 0, totalMinor: 153_000 });
    expect(inStore.lines.map((l) => [l.listPriceMinor, l.channelAdjustmentMinor, l.totalMinor, l.pricingRuleId])).toEqual([
      [129_000, 0, 129_000, null],
      [24_000, 0, 24_000, null],
    ]);

    const onlineId = await madridKitchen('WEB');
    const online = await read(onlineId);
    expect(online.price).toEqual({ currency: 'EUR', listPriceMinor: 153_000, channelAdjustmentMinor: -7_650, totalMinor: 145_350 });
    expect(online.lines.map((l) => [l.serviceProductCode, l.listPriceMinor, l.channelAdjustmentMinor, l.totalMinor, l.pricingRuleId])).toEqual([
      ['KITCHEN_INSTALL_STD', 129_000, -6_450, 122_550, await seededRule('ES', 'ONLINE', 'KITCHEN_INSTALL_STD', '2026-03-01')],
      ['WORKTOP_INSTALL', 24_000, -1_200, 22_800, await seededRule('ES', 'ONLINE', 'WORKTOP_INSTALL', '2026-03-01')],
    ]);

    // The order's event carries the same prices.
    const event = await createdEvent(onlineId);
    expect(event.price).toEqual(online.price);
    expect(event.lines).toEqual([
      expect.objectContaining({ lineNo: 1, listPriceMinor: 129_000, channelAdjustmentMinor: -6_450, totalMinor: 122_550 }),
      expect.objectContaining({ lineNo: 2, listPriceMinor: 24_000, channelAdjustmentMinor: -1_200, totalMinor: 22_800 }),
    ]);
  });

  it('when an online sale falls in the launch promotion, before any rule, or after midnight Madrid time on the day the -5 % rule starts, then the rule of that date applies', async () => {
    // 2026-02-10: the launch promotion, -10 % (valid until 2026-03-01, exclusive).
    expect((await read(await madridKitchen('WEB', '2026-02-10T09:00:00Z'))).price).toMatchObject({ channelAdjustmentMinor: -15_300, totalMinor: 137_700 });
    // 2025-12-31: no rule was valid yet, the list price is the total.
    const before = await read(await madridKitchen('WEB', '2025-12-31T09:00:00Z'));
    expect(before.price).toMatchObject({ channelAdjustmentMinor: 0, totalMinor: 153_000 });
    expect(before.lines.map((l) => l.pricingRuleId)).toEqual([null, null]);
    // 2026-02-28 23:30 UTC is 2026-03-01 00:30 in Madrid: the -5 % rule's first day, not the promotion's last.
    expect((await read(await madridKitchen('WEB', '2026-02-28T23:30:00Z'))).price).toMatchObject({ channelAdjustmentMinor: -7_650, totalMinor: 145_350 });
  });

  it('when a boiler and its flue kit are sold online in Milan, then only the boiler has a rule (-3 %)', async () => {
    const order = await read(await sell(tempo('tempo-created', unique())));
    expect(order.lines.map((l) => [l.serviceProductCode, l.channelAdjustmentMinor, l.totalMinor])).toEqual([
      ['BOILER_REPLACEMENT', -2_670, 86_330],
      ['FLUE_KIT', 0, 12_000],
    ]);
    expect(order.price).toEqual({ currency: 'EUR', listPriceMinor: 101_000, channelAdjustmentMinor: -2_670, totalMinor: 98_330 });
  });

  it("when a sale is dated within a rule's dates, then it applies; on its validTo (exclusive) or later, then the sale is at the list price", async () => {
    // A rule of this test's own product, so the seeded rules stay as other tests read them.
    const product = `TEST_PRICED_${unique()}`;
    const code = `PYX-${product}`;
    await db.query(`INSERT INTO orders.service_products (code, name, technical_visit_required, duration_hours) VALUES ($1, 'Test', false, 1)`, [product]);
    await db.query(`INSERT INTO orders.product_code_mappings (sales_system, sales_product_code, service_product_code) VALUES ('PYXIS', $1, $2)`, [
      code,
      product,
    ]);
    const {
      rows: [rule],
    } = await db.query<{ id: string }>(
      `INSERT INTO org.channel_pricing_rules (country_code, sales_channel, service_product_code, percent_adjustment, amount_adjustment_minor, valid_from, valid_to)
       VALUES ('ES', 'PHONE', $1, -10, -500, '2026-01-01', '2026-06-01') RETURNING id`,
      [product],
    );
    const sale = (soldAt: string) =>
      sellPyxis('pyxis-created', (o) => {
        Object.assign(o, { channel: 'CALL_CENTER', soldAt });
        o.lines = [{ lineNo: 1, productCode: code, description: 'test', quantity: 2, unitPrice: { amount: '100.00', currency: 'EUR' } }];
      });
    // Within the dates: -10 % of EUR 200 and EUR 5 off per unit.
    expect((await read(await sale('2026-05-31T12:00:00Z'))).lines[0]).toMatchObject({
      listPriceMinor: 20_000,
      channelAdjustmentMinor: -3_000,
      pricingRuleId: rule!.id,
    });
    // On its validTo (exclusive) and after: not applied.
    expect((await read(await sale('2026-06-01T12:00:00Z'))).lines[0]).toMatchObject({ channelAdjustmentMinor: 0, totalMinor: 20_000, pricingRuleId: null });
  });
});
