import { randomUUID } from 'node:crypto';
import { serviceOrderCreated, type ServiceOrderSnapshot } from '../../events';
import type { DbClient } from '../../shared/db';
import { PermanentError } from '../../shared/errors';
import type { Outbox } from '../../shared/outbox/outbox';

export type FollowUpKind = 'claim-visit' | 'repair';

/** Hours the provider has to contact the customer about a claim's visit or repair. */
const CONTACT_WITHIN_HOURS = 48;

interface OriginRow {
  id: string;
  country_code: string;
  business_unit_id: string;
  business_unit_code: string;
  store_id: string;
  store_code: string;
  customer_id: string;
  postal_code: string;
  provider_id: string | null;
  skills: string[];
  sales_system: 'PYXIS' | 'TEMPO';
  sales_channel: 'IN_STORE' | 'ONLINE' | 'PHONE' | 'PARTNER';
  sales_order_id: string;
  kind: string;
  currency: string | null;
}

/** The claimed order, with what a follow-up order copies from it; its provider is the one its work was assigned to. */
export async function originOrder(tx: DbClient, orderId: string): Promise<OriginRow> {
  const {
    rows: [o],
  } = await tx.query<OriginRow>(
    `SELECT o.id, o.country_code, o.business_unit_id, bu.code AS business_unit_code, o.store_id, s.code AS store_code, o.customer_id,
            c.postal_code,
            COALESCE(o.provider_id, (SELECT a.provider_id FROM dispatch.assignments a WHERE a.service_order_id = o.id AND a.status IN ('confirmed', 'completed')
                                      ORDER BY a.confirmed_at DESC LIMIT 1)) AS provider_id,
            o.skills, o.sales_system, o.sales_channel, o.sales_order_id, o.kind,
            (SELECT min(l.currency) FROM orders.service_order_lines l WHERE l.service_order_id = o.id) AS currency
       FROM orders.service_orders o
       JOIN org.business_units bu ON bu.id = o.business_unit_id
       JOIN org.stores s ON s.id = o.store_id
       JOIN orders.customers c ON c.id = o.customer_id
      WHERE o.id = $1`,
    [orderId],
  );
  if (!o) throw new PermanentError(`service order ${orderId} not found`, 'unknown-service-order');
  if (o.kind !== 'installation') throw new PermanentError(`service order ${orderId} is a ${o.kind} order: claims are on installations`, 'not-an-installation');
  return o;
}

/**
 * A service order that follows a claim on `origin`: the expert's visit ('claim-visit') or the
 * repair ('repair'), for the same customer, place and work (the origin's lines and skills) at no
 * charge (every price 0), needing neither a technical visit nor a contract. Its sale reference is
 * the origin's with a suffix (`/CLAIM-1`, `/REPAIR-1`...), so it stays unique and traceable.
 * orders.service-order.created is announced, so dispatch-start runs the funnel as for any order.
 */
export async function createFollowUpOrder(tx: DbClient, outbox: Outbox, origin: OriginRow, claimId: string, kind: FollowUpKind, now: Date): Promise<string> {
  const id = randomUUID();
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int + 1 AS n FROM orders.service_orders WHERE origin_order_id = $1 AND kind = $2`, [
    origin.id,
    kind,
  ]);
  const salesOrderId = `${origin.sales_order_id}/${kind === 'repair' ? 'REPAIR' : 'CLAIM'}-${rows[0]!.n}`;
  const contactDeadline = new Date(now.getTime() + CONTACT_WITHIN_HOURS * 3_600_000);
  await tx.query(
    `INSERT INTO orders.service_orders
       (id, status, country_code, business_unit_id, store_id, customer_id, revision, technical_visit_required, skills, contact_deadline, sold_at,
        sales_system, sales_channel, sales_order_id, list_price_minor, channel_adjustment_minor, total_minor, price_currency,
        contract_status, installation_status, kind, origin_order_id, claim_id)
     VALUES ($1, 'CREATED', $2, $3, $4, $5, 1, FALSE, $6, $7, $8, $9, $10, $11, 0, 0, 0, $12, 'not-required', 'ready', $13, $14, $15)`,
    [
      id,
      origin.country_code,
      origin.business_unit_id,
      origin.store_id,
      origin.customer_id,
      origin.skills,
      contactDeadline,
      now,
      origin.sales_system,
      origin.sales_channel,
      salesOrderId,
      origin.currency,
      kind,
      origin.id,
      claimId,
    ],
  );
  const { rows: lines } = await tx.query<{ line_no: number; service_product_code: string; sales_product_code: string; quantity: string; currency: string }>(
    `INSERT INTO orders.service_order_lines
       (service_order_id, line_no, service_product_code, sales_product_code, description, quantity, unit_price_minor, currency,
        list_price_minor, channel_adjustment_minor, total_minor, pricing_rule_id)
     SELECT $1, line_no, service_product_code, sales_product_code, description, quantity, 0, currency, 0, 0, 0, NULL
       FROM orders.service_order_lines WHERE service_order_id = $2
     RETURNING line_no, service_product_code, sales_product_code, quantity::text, currency`,
    [id, origin.id],
  );
  const snapshot: ServiceOrderSnapshot = {
    serviceOrderId: id,
    salesSystem: origin.sales_system,
    salesOrderId,
    salesChannel: origin.sales_channel,
    revision: 1,
    status: 'CREATED',
    countryCode: origin.country_code,
    businessUnitCode: origin.business_unit_code,
    storeCode: origin.store_code,
    customerId: origin.customer_id,
    postalCode: origin.postal_code,
    lines: lines
      .sort((a, b) => a.line_no - b.line_no)
      .map((l) => ({
        lineNo: l.line_no,
        serviceProductCode: l.service_product_code,
        salesProductCode: l.sales_product_code,
        quantity: Number(l.quantity),
        unitPriceMinor: 0,
        currency: l.currency,
        listPriceMinor: 0,
        channelAdjustmentMinor: 0,
        totalMinor: 0,
        pricingRuleId: null,
      })),
    ...(origin.currency ? { price: { currency: origin.currency, listPriceMinor: 0, channelAdjustmentMinor: 0, totalMinor: 0 } } : {}),
    skills: origin.skills,
    technicalVisitRequired: false,
    requestedWindow: null,
    contactDeadline: contactDeadline.toISOString(),
    linkedServiceOrderIds: [],
  };
  await outbox.add(serviceOrderCreated, snapshot, { subject: id });
  return id;
}
