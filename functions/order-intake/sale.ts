import type { PyxisOrderMessage, SalesOrderMessage, TempoSaleMessage } from '../../events';

export type SalesSystem = 'PYXIS' | 'TEMPO';
export type SalesChannel = 'IN_STORE' | 'ONLINE' | 'PHONE' | 'PARTNER';

/** A sale from either sales system, in one shape: the command the intake handler works on. */
export interface Sale {
  salesSystem: SalesSystem;
  salesOrderId: string;
  revision: number;
  cancelled: boolean;
  storeCode: string;
  channel: SalesChannel;
  soldAt: Date;
  customer: {
    externalId: string;
    fullName: string;
    phone: string | null;
    email: string | null;
    language: string | null;
    street: string;
    postalCode: string;
    city: string;
    countryCode: string;
    geo: { lat: number; lon: number } | null;
  };
  lines: { lineNo: number; salesProductCode: string; description: string | null; quantity: number; unitPriceMinor: number; currency: string }[];
  requestedWindow: { from: string; to: string } | null;
  /** What the sales system said that the service order keeps as `sales_order_metadata`. */
  metadata: Record<string, unknown>;
}

const PYXIS_CHANNELS: Record<PyxisOrderMessage['order']['channel'], SalesChannel> = {
  IN_STORE: 'IN_STORE',
  WEB: 'ONLINE',
  CALL_CENTER: 'PHONE',
  PARTNER: 'PARTNER',
};

const TEMPO_CHANNELS: Record<TempoSaleMessage['sale']['sales_channel'], SalesChannel> = {
  STORE: 'IN_STORE',
  ONLINE: 'ONLINE',
  PHONE: 'PHONE',
  B2B_PARTNER: 'PARTNER',
};

export function toSale(message: SalesOrderMessage): Sale {
  return 'header' in message ? fromPyxis(message) : fromTempo(message);
}

/** "1290.00" → 129000, without floating point. */
export function decimalToMinor(amount: string): number {
  const [units = '0', cents = ''] = amount.split('.');
  return Number(units) * 100 + Number(cents.padEnd(2, '0'));
}

function fromPyxis({ header, order }: PyxisOrderMessage): Sale {
  const c = order.customer;
  return {
    salesSystem: 'PYXIS',
    salesOrderId: order.orderNumber,
    revision: order.revision,
    cancelled: order.status === 'CANCELLED',
    storeCode: order.storeCode,
    channel: PYXIS_CHANNELS[order.channel],
    soldAt: new Date(order.soldAt),
    customer: {
      externalId: c.customerId,
      fullName: `${c.firstName} ${c.lastName}`,
      phone: c.phone ?? null,
      email: c.email ?? null,
      language: c.language ?? null,
      street: c.address.street,
      postalCode: c.address.postalCode,
      city: c.address.city,
      countryCode: c.address.countryCode,
      geo: c.address.geo ?? null,
    },
    lines: order.lines.map((l) => ({
      lineNo: l.lineNo,
      salesProductCode: l.productCode,
      description: l.description ?? null,
      quantity: l.quantity,
      unitPriceMinor: decimalToMinor(l.unitPrice.amount),
      currency: l.unitPrice.currency,
    })),
    requestedWindow: order.requestedWindow ?? null,
    metadata: {
      messageId: header.messageId,
      emittedAt: header.emittedAt,
      schemaVersion: header.schemaVersion,
      salesStatus: order.status,
      salesChannelCode: order.channel,
      sellerId: order.sellerId ?? null,
      notes: order.notes ?? null,
    },
  };
}

function fromTempo(message: TempoSaleMessage): Sale {
  const { sale } = message;
  const b = sale.buyer;
  return {
    salesSystem: 'TEMPO',
    salesOrderId: sale.sale_ref,
    revision: sale.version,
    cancelled: sale.state === 'void',
    storeCode: sale.shop,
    channel: TEMPO_CHANNELS[sale.sales_channel],
    soldAt: new Date(`${sale.sold_on}T00:00:00Z`),
    customer: {
      externalId: b.ref,
      fullName: b.name,
      phone: b.mobile ?? null,
      email: b.mail ?? null,
      language: b.lang ?? null,
      street: b.street,
      postalCode: b.zip,
      city: b.town,
      countryCode: b.country_iso,
      geo: null,
    },
    lines: sale.items.map((i) => ({
      lineNo: i.row,
      salesProductCode: i.sku,
      description: i.label ?? null,
      quantity: i.qty,
      unitPriceMinor: i.price_cents,
      currency: i.currency,
    })),
    requestedWindow: sale.wished_date ? { from: sale.wished_date, to: sale.wished_date } : null,
    metadata: {
      messageId: message.event_id,
      emittedAt: new Date(message.event_time).toISOString(),
      salesStatus: sale.state,
      salesChannelCode: sale.sales_channel,
      notes: null,
    },
  };
}
