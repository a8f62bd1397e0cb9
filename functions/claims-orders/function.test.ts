import { afterEach, describe, expect, it } from 'vitest';
import { claimDecided, serviceOrderCreated } from '../../events';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { startClaimsOrdersHarness } from './testing';

const h = await startClaimsOrdersHarness();
const { db } = h;

afterEach(async () => {
  await db.query(`UPDATE claims.country_settings SET expert_provider = 'exclude-original' WHERE country_code = 'ES'`);
});

const expertOrderIdOf = (answer: { body: Record<string, unknown> }) => (answer.body.variables as { expertOrderId: string }).expertOrderId;
const repairOrderIdOf = (answer: { body: Record<string, unknown> }) => (answer.body.variables as { repairOrderId: string }).repairOrderId;

describe('claims-orders: claim-dispatch-expert', () => {
  it("when a claim is acknowledged in Spain, then an expert visit at no charge is created for the claimed order's place and work, without its provider, once", async () => {
    const order = await h.claimableOrder();
    const { claimId, run } = await h.claimOn(order.id, { status: 'acknowledged' });
    const first = await run('claim-dispatch-expert');
    expect(first.status).toBe(200);
    const expertOrderId = expertOrderIdOf(first);
    expect(await run('claim-dispatch-expert')).toEqual(first);

    const { rows: origin } = await db.query<{ sales_system: string; customer_id: string; country_code: string }>(
      'SELECT sales_system, customer_id, country_code FROM orders.service_orders WHERE id = $1',
      [order.id],
    );
    expect(await h.orderRow(expertOrderId)).toEqual({
      id: expertOrderId,
      kind: 'claim-visit',
      status: 'CREATED',
      origin_order_id: order.id,
      claim_id: claimId,
      sales_order_id: `${order.salesOrderId}/CLAIM-1`,
      sales_system: origin[0]!.sales_system,
      country_code: origin[0]!.country_code,
      customer_id: origin[0]!.customer_id,
      contract_status: 'not-required',
      installation_status: 'ready',
      technical_visit_required: false,
      total_minor: 0,
    });
    const originLines = await h.linesOf(order.id);
    const lines = await h.linesOf(expertOrderId);
    expect(lines.map((l) => [l.line_no, l.service_product_code])).toEqual(originLines.map((l) => [l.line_no, l.service_product_code]));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.unit_price_minor === 0 && l.list_price_minor === 0 && l.total_minor === 0)).toBe(true);
    expect(await h.followUpsOf(order.id)).toEqual([{ id: expertOrderId, kind: 'claim-visit' }]);

    // Spain: never the provider of the claimed work.
    expect((await db.query('SELECT provider_id, reason FROM dispatch.exclusions WHERE service_order_id = $1', [expertOrderId])).rows).toEqual([
      { provider_id: DEV_PROVIDER_ID, reason: 'claim-expert-policy' },
    ]);
    expect((await db.query('SELECT 1 FROM dispatch.preferences WHERE service_order_id = $1', [expertOrderId])).rows).toEqual([]);

    expect(await h.claimRow(claimId)).toMatchObject({ status: 'investigating', expert_order_id: expertOrderId });
    expect(await h.historyOf(claimId)).toEqual([
      { actor: 'system', action: 'expert-visit-ordered', detail: { expertOrderId, expertProvider: 'exclude-original' } },
    ]);
    const created = await h.eventsOf(expertOrderId, serviceOrderCreated.type);
    expect(created).toHaveLength(1);
    const snapshot = serviceOrderCreated.data.parse(created[0]!.data);
    expect(snapshot).toMatchObject({
      serviceOrderId: expertOrderId,
      salesOrderId: `${order.salesOrderId}/CLAIM-1`,
      status: 'CREATED',
      technicalVisitRequired: false,
      countryCode: 'ES',
    });
    expect(snapshot.lines.every((l) => l.unitPriceMinor === 0 && l.totalMinor === 0)).toBe(true);
  });

  it('when the country prefers the original provider, then the visit is offered to it first instead of excluding it', async () => {
    await db.query(`UPDATE claims.country_settings SET expert_provider = 'prefer-original' WHERE country_code = 'ES'`);
    const order = await h.claimableOrder();
    const { claimId, run } = await h.claimOn(order.id, { status: 'acknowledged' });
    const expertOrderId = expertOrderIdOf(await run('claim-dispatch-expert'));
    expect((await db.query('SELECT provider_id, reason FROM dispatch.preferences WHERE service_order_id = $1', [expertOrderId])).rows).toEqual([
      { provider_id: DEV_PROVIDER_ID, reason: 'claim-expert-policy' },
    ]);
    expect((await db.query('SELECT 1 FROM dispatch.exclusions WHERE service_order_id = $1', [expertOrderId])).rows).toEqual([]);
    expect((await h.historyOf(claimId))[0]!.detail).toMatchObject({ expertProvider: 'prefer-original' });
  });

  it('when the country lets anyone make the visit, then neither an exclusion nor a preference', async () => {
    await db.query(`UPDATE claims.country_settings SET expert_provider = 'any' WHERE country_code = 'ES'`);
    const order = await h.claimableOrder();
    const { run } = await h.claimOn(order.id, { status: 'acknowledged' });
    const expertOrderId = expertOrderIdOf(await run('claim-dispatch-expert'));
    expect((await db.query('SELECT 1 FROM dispatch.exclusions WHERE service_order_id = $1', [expertOrderId])).rows).toEqual([]);
    expect((await db.query('SELECT 1 FROM dispatch.preferences WHERE service_order_id = $1', [expertOrderId])).rows).toEqual([]);
  });

  it('when the claim is not acknowledged, then an incident (400) and no order', async () => {
    const order = await h.claimableOrder();
    const { claimId, run } = await h.claimOn(order.id);
    expect(await run('claim-dispatch-expert')).toMatchObject({ status: 400, body: { code: 'claim-status' } });
    expect(await h.followUpsOf(order.id)).toEqual([]);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'received', expert_order_id: null });
  });

  it('when a job of another process instance comes for the claim, then an incident (400) and no order', async () => {
    const order = await h.claimableOrder();
    const { claimId } = await h.claimOn(order.id, { status: 'acknowledged' });
    expect(await h.run('claim-dispatch-expert', { claimId }, '7000000000000001')).toMatchObject({
      status: 400,
      body: { code: 'claim-of-another-instance' },
    });
    expect(await h.followUpsOf(order.id)).toEqual([]);
  });
});

describe('claims-orders: claim-order-repair', () => {
  it('when the operator decided a repair, then a repair order at no charge is created, the claim closed as repair-ordered, announced and told, once', async () => {
    const order = await h.claimableOrder();
    const { claimId, run } = await h.claimOn(order.id, { status: 'deciding', decision: 'repair' });
    const first = await run('claim-order-repair');
    expect(first.status).toBe(200);
    const repairOrderId = repairOrderIdOf(first);
    expect(await run('claim-order-repair')).toEqual(first);

    expect(await h.orderRow(repairOrderId)).toMatchObject({
      kind: 'repair',
      origin_order_id: order.id,
      claim_id: claimId,
      sales_order_id: `${order.salesOrderId}/REPAIR-1`,
      contract_status: 'not-required',
      installation_status: 'ready',
      technical_visit_required: false,
      total_minor: 0,
    });
    expect((await h.linesOf(repairOrderId)).every((l) => l.unit_price_minor === 0 && l.total_minor === 0)).toBe(true);
    expect(await h.followUpsOf(order.id)).toEqual([{ id: repairOrderId, kind: 'repair' }]);
    // A repair order is no claim visit: no policy on who does it.
    expect((await db.query('SELECT 1 FROM dispatch.exclusions WHERE service_order_id = $1', [repairOrderId])).rows).toEqual([]);

    const claim = await h.claimRow(claimId);
    expect(claim).toMatchObject({ status: 'repair-ordered', repair_order_id: repairOrderId, decision: 'repair' });
    expect(claim.closed_at).toBeInstanceOf(Date);
    expect(await h.historyOf(claimId)).toEqual([{ actor: 'system', action: 'repair-ordered', detail: { repairOrderId } }]);

    const decided = await h.eventsOf(order.id, claimDecided.type);
    expect(decided).toHaveLength(1);
    expect(claimDecided.data.parse(decided[0]!.data)).toMatchObject({
      claimId,
      serviceOrderId: order.id,
      decision: 'repair',
      handling: 'warranty',
      warrantyCode: 'acabado',
      refund: null,
      repairOrderId,
      approvals: [],
    });
    expect(await h.eventsOf(repairOrderId, serviceOrderCreated.type)).toHaveLength(1);
    expect(await h.messagesOf(order.id)).toEqual([
      ['claim.repair-ordered', { orderReference: order.salesOrderId, claimReference: claimId.slice(0, 8).toUpperCase() }],
    ]);
  });

  it('when the claim was decided a refund, then an incident (400) and no repair order', async () => {
    const order = await h.claimableOrder();
    const { claimId, run } = await h.claimOn(order.id, { status: 'deciding', decision: 'refund', refundAmountMinor: 30_000, currency: 'EUR' });
    expect(await run('claim-order-repair')).toMatchObject({ status: 400, body: { code: 'claim-status' } });
    expect(await h.followUpsOf(order.id)).toEqual([]);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'deciding', repair_order_id: null, closed_at: null });
  });

  it('when the claim had an expert visit, then the repair is numbered on its own and both follow the claimed order', async () => {
    const order = await h.claimableOrder();
    const { run } = await h.claimOn(order.id, { status: 'acknowledged' });
    const expertOrderId = expertOrderIdOf(await run('claim-dispatch-expert'));
    const second = await h.claimOn(order.id, { status: 'deciding', decision: 'repair' });
    const repairOrderId = repairOrderIdOf(await second.run('claim-order-repair'));
    expect((await h.orderRow(expertOrderId))!.sales_order_id).toBe(`${order.salesOrderId}/CLAIM-1`);
    expect((await h.orderRow(repairOrderId))!.sales_order_id).toBe(`${order.salesOrderId}/REPAIR-1`);
  });
});
