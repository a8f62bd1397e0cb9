import type { SummaryRow } from './queries';

// node-postgres reads a DATE as local midnight: its local calendar day is the stored date
// (toISOString would give the day before in any time zone east of UTC).
const pad = (n: number) => String(n).padStart(2, '0');
const date = (v: unknown) => (v instanceof Date ? `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}` : (v as string | null));
const time = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null));

/** The list item of a service order. */
export function summary(r: SummaryRow) {
  return {
    id: r.id,
    status: r.status,
    salesSystem: r.sales_system,
    salesOrderId: r.sales_order_id,
    salesChannel: r.sales_channel,
    revision: r.revision,
    countryCode: r.country_code,
    businessUnitCode: r.business_unit_code,
    storeCode: r.store_code,
    requestedWindow: r.requested_from ? { from: date(r.requested_from), to: date(r.requested_to) } : null,
    technicalVisitRequired: r.technical_visit_required,
    skills: r.skills,
    contactDeadline: time(r.contact_deadline),
    soldAt: time(r.sold_at),
    providerId: r.provider_id,
    createdAt: time(r.created_at),
    updatedAt: time(r.updated_at),
  };
}

/** One service order with its customer, lines and reconciled orders. */
export function detail(r: SummaryRow) {
  return {
    ...summary(r),
    customer: {
      id: r.customer_id,
      name: r.full_name,
      phone: r.phone,
      email: r.email,
      language: r.language,
      address: {
        street: r.street,
        postalCode: r.postal_code,
        city: r.city,
        geo: r.latitude === null ? null : { lat: r.latitude, lon: r.longitude },
      },
    },
    lines: r.lines,
    // Channel pricing: the sums of the lines' list prices, adjustments and totals (null: lines in several currencies).
    price:
      r.price_currency === null
        ? null
        : { currency: r.price_currency, listPriceMinor: r.list_price_minor, channelAdjustmentMinor: r.channel_adjustment_minor, totalMinor: r.total_minor },
    // What blocks the installation: its technical visit (awaiting-tv, ready, cancelled) and its contract (awaiting-signature, signed, cancelled).
    installation: { status: r.installation_status, contract: r.contract_status },
    // When the customer's acceptance of the work (Work Closing Form) closed it; its warranties: GET /wcf/orders/:id/warranties.
    closedAt: time(r.closed_at),
    linkedServiceOrderIds: r.linked_ids,
    salesOrderMetadata: r.sales_order_metadata,
  };
}
