import type { DbClient } from '../../shared/db';
import type { ContractDocument, ContractLanguage } from '../../shared/contracts-document/model';
import { contractLanguages } from '../../shared/contracts-document/model';

/** The order as its contract shows it, read under a lock on the order row. */
export interface OrderForContract {
  status: 'CREATED' | 'CANCELLED';
  contractStatus: string;
  countryCode: string;
  currency: string;
  language: ContractLanguage;
  listPriceMinor: number;
  channelAdjustmentMinor: number;
  totalMinor: number;
  tvExtraCostMinor: number;
  document: Omit<ContractDocument, 'contractId' | 'date'>;
}

interface OrderRow {
  status: 'CREATED' | 'CANCELLED';
  contract_status: string;
  country_code: string;
  sales_channel: ContractDocument['salesChannel'] | null;
  sales_order_id: string;
  price_currency: string | null;
  customer_name: string;
  street: string;
  postal_code: string;
  city: string;
  customer_language: string | null;
  default_language: string;
  default_currency: string;
  store_name: string;
  store_postal_code: string;
  store_city: string;
}

interface LineRow {
  description: string | null;
  service_product_code: string;
  quantity: number;
  currency: string;
  list_price_minor: number;
  channel_adjustment_minor: number;
  total_minor: number;
}

interface AdjustmentRow {
  lines: { change: string; description: string }[];
  extra_cost_minor: number;
}

const asLanguage = (value: string | null | undefined): ContractLanguage | undefined => {
  const short = value?.slice(0, 2).toLowerCase();
  return contractLanguages.find((l) => l === short);
};

/**
 * Reads what the contract says: the order's lines with their channel price (orders priced before
 * channel pricing count their unit price, without adjustment), the store, the customer and their
 * language (else the country's), and the adjustments the customer accepted after a YES_BUT visit.
 * Undefined when there is no such order. Locks the order (FOR NO KEY UPDATE) until the transaction ends.
 */
export async function readOrderForContract(tx: DbClient, orderId: string): Promise<OrderForContract | undefined> {
  const {
    rows: [o],
  } = await tx.query<OrderRow>(
    `SELECT o.status, o.contract_status, o.country_code, o.sales_channel, o.sales_order_id, o.price_currency,
            c.full_name AS customer_name, c.street, c.postal_code, c.city, c.language AS customer_language,
            cn.default_language, cn.default_currency, s.name AS store_name, s.postal_code AS store_postal_code, s.city AS store_city
       FROM orders.service_orders o
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN org.countries cn ON cn.code = o.country_code
       JOIN org.stores s ON s.id = o.store_id
      WHERE o.id = $1
        FOR NO KEY UPDATE OF o`,
    [orderId],
  );
  if (!o) return undefined;
  const { rows: lines } = await tx.query<LineRow>(
    `SELECT description, service_product_code, quantity::float8 AS quantity, currency,
            COALESCE(list_price_minor, ROUND(quantity * unit_price_minor))::float8 AS list_price_minor,
            COALESCE(channel_adjustment_minor, 0)::float8 AS channel_adjustment_minor,
            COALESCE(total_minor, ROUND(quantity * unit_price_minor))::float8 AS total_minor
       FROM orders.service_order_lines WHERE service_order_id = $1 ORDER BY line_no`,
    [orderId],
  );
  const { rows: adjustments } = await tx.query<AdjustmentRow>(
    `SELECT lines, extra_cost_minor::float8 AS extra_cost_minor FROM tv.adjustments
      WHERE service_order_id = $1 AND customer_answer = 'accepted' ORDER BY answered_at DESC LIMIT 1`,
    [orderId],
  );
  const adjustment = adjustments[0];
  const sum = (pick: (l: LineRow) => number) => lines.reduce((total, l) => total + pick(l), 0);
  const listPriceMinor = sum((l) => l.list_price_minor);
  const channelAdjustmentMinor = sum((l) => l.channel_adjustment_minor);
  const linesTotal = sum((l) => l.total_minor);
  const tvExtraCostMinor = adjustment?.extra_cost_minor ?? 0;
  const language = asLanguage(o.customer_language) ?? asLanguage(o.default_language) ?? 'es';
  const address = { line1: o.street, postalCode: o.postal_code, city: o.city, countryCode: o.country_code };
  return {
    status: o.status,
    contractStatus: o.contract_status,
    countryCode: o.country_code,
    currency: o.price_currency ?? lines[0]?.currency ?? o.default_currency,
    language,
    listPriceMinor,
    channelAdjustmentMinor,
    totalMinor: linesTotal + tvExtraCostMinor,
    tvExtraCostMinor,
    document: {
      orderReference: o.sales_order_id,
      salesChannel: o.sales_channel ?? 'IN_STORE',
      currency: o.price_currency ?? lines[0]?.currency ?? o.default_currency,
      store: { name: o.store_name, address: { line1: o.store_name, postalCode: o.store_postal_code, city: o.store_city, countryCode: o.country_code } },
      customer: { name: o.customer_name, address, language },
      // The document counts whole units; a fractional quantity (metres, m²) is shown rounded, its amounts exact.
      lines: lines.map((l) => ({
        description: l.description ?? l.service_product_code,
        quantity: Math.max(1, Math.round(l.quantity)),
        listPriceMinor: l.list_price_minor,
        channelAdjustmentMinor: l.channel_adjustment_minor,
        totalMinor: l.total_minor,
      })),
      order: { listPriceMinor, channelAdjustmentMinor, totalMinor: linesTotal },
      ...(adjustment
        ? {
            tvAdjustments: {
              lines: adjustment.lines.map((l) => ({ change: l.change === 'remove' ? ('remove' as const) : ('add' as const), description: l.description })),
              extraCostMinor: adjustment.extra_cost_minor,
            },
          }
        : {}),
    },
  };
}
