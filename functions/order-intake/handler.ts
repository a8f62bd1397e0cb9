import { randomUUID } from 'node:crypto';
import { serviceOrderCreated, serviceOrderLinked, serviceOrderUpdated, type SalesOrderMessage, type ServiceOrderSnapshot } from '../../events';
import { PermanentError } from '../../shared/errors';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { addressKey, contactKeys, nameKey } from './identity-keys';
import { insertOrder, link, updateOrder, upsertCustomer, type OrderValues } from './order-writes';
import { priceLine, priceOrder } from './pricing';
import { findPricingRules, findProducts, findStore, findUnlinkedMatches, firstContactHours, linkedIds, lockOrder } from './queries';
import { toSale, type Sale } from './sale';

export interface IntakeDeps {
  newId?: () => string;
}

/**
 * Creates or updates the service order of a sale. Keyed on (sales system, sales order id):
 * the same sale twice is one order, a newer revision is applied, an older or equal one is
 * ignored. Unknown stores and product codes are permanent errors (dead letter, with reason).
 *
 * A sale's created and updated messages travel on two topics, with no order between them: an
 * update may arrive before its creation. Every message carries the whole sale and its revision,
 * so whichever arrives first creates the order from its revision (service-order.created carries
 * it), a newer one updates it (service-order.updated, previousRevision = the revision it
 * replaced), and the older ones are ignored: in any arrival order the order ends as the latest
 * revision says, announced by one created event and updates of strictly increasing revisions.
 */
export function makeIntakeSale(deps: IntakeDeps = {}) {
  const newId = deps.newId ?? randomUUID;
  return async (message: SalesOrderMessage, ctx: EventContext): Promise<EventOutcome> => {
    const sale = toSale(message);
    const { tx } = ctx;
    // A replay or an older revision changes nothing: known before any other lookup.
    const existing = await lockOrder(tx, sale);
    if (existing && existing.revision >= sale.revision) {
      return { result: 'ignored', reason: `revision ${sale.revision} is not newer than stored revision ${existing.revision}` };
    }
    const store = await findStore(tx, sale.storeCode, sale.salesSystem);
    if (!store) throw new PermanentError(`unknown store code "${sale.storeCode}"`, 'unknown-store');
    if (!store.sold_through) {
      throw new PermanentError(
        `store "${sale.storeCode}" (business unit ${store.business_unit_code}) does not sell through ${sale.salesSystem}`,
        'store-not-on-sales-system',
      );
    }
    const codes = [...new Set(sale.lines.map((l) => l.salesProductCode))];
    const products = await findProducts(tx, sale.salesSystem, codes);
    const unknown = codes.filter((code) => !products.some((p) => p.sales_product_code === code));
    if (unknown.length > 0) {
      throw new PermanentError(`unknown ${sale.salesSystem} product code(s): ${unknown.join(', ')}`, 'unknown-product-code');
    }
    const hours = await firstContactHours(tx, store.country_code, sale.channel);
    if (hours === undefined) {
      throw new PermanentError(`no SLA rule for channel ${sale.channel} in ${store.country_code}`, 'missing-sla-rule');
    }

    // The channel's price: the rule of each line's product valid on the sale's date adjusts its list price.
    const serviceProductCodes = new Map(products.map((p) => [p.sales_product_code, p.service_product_code]));
    const rules = await findPricingRules(tx, store.country_code, sale.channel, [...new Set(serviceProductCodes.values())], sale.soldAt);
    const prices = sale.lines.map((l) => ({
      ...priceLine(
        l,
        rules.find((r) => r.serviceProductCode === serviceProductCodes.get(l.salesProductCode)),
      ),
      currency: l.currency,
    }));

    const keys = {
      addressKey: addressKey(sale.customer),
      contactKeys: contactKeys(sale.customer),
      nameKey: nameKey(sale.customer.fullName),
    };
    const customerId = await upsertCustomer(tx, sale, { identityKeys: [...keys.contactKeys, keys.nameKey], addressKey: keys.addressKey });
    const values: OrderValues = {
      id: existing?.id ?? newId(),
      sale,
      store,
      customerId,
      skills: [...new Set(products.flatMap((p) => p.skills))].sort(),
      technicalVisitRequired: products.some((p) => p.technical_visit_required),
      contactDeadline: new Date(sale.soldAt.getTime() + hours * 3_600_000),
      serviceProductCodes,
      prices,
      price: priceOrder(prices),
    };
    if (existing) await updateOrder(tx, values);
    else await insertOrder(tx, values);

    for (const match of await findUnlinkedMatches(tx, values.id, store.country_code, keys)) {
      await link(tx, values.id, match.id, match.reason);
      await ctx.outbox.add(serviceOrderLinked, { serviceOrderId: values.id, linkedServiceOrderId: match.id, reason: match.reason });
      await ctx.outbox.add(serviceOrderLinked, { serviceOrderId: match.id, linkedServiceOrderId: values.id, reason: match.reason });
    }

    const snapshot = toSnapshot(values, store.business_unit_code, await linkedIds(tx, values.id));
    if (existing) {
      await ctx.outbox.add(serviceOrderUpdated, { ...snapshot, previousRevision: existing.revision }, { subject: values.id });
    } else {
      await ctx.outbox.add(serviceOrderCreated, snapshot, { subject: values.id });
    }
    return { result: 'applied', detail: { serviceOrderId: values.id, revision: sale.revision, created: !existing } };
  };
}

function toSnapshot(v: OrderValues, businessUnitCode: string, linked: string[]): ServiceOrderSnapshot {
  const sale: Sale = v.sale;
  return {
    serviceOrderId: v.id,
    salesSystem: sale.salesSystem,
    salesOrderId: sale.salesOrderId,
    salesChannel: sale.channel,
    revision: sale.revision,
    status: sale.cancelled ? 'CANCELLED' : 'CREATED',
    countryCode: v.store.country_code,
    businessUnitCode,
    storeCode: sale.storeCode,
    customerId: v.customerId,
    postalCode: sale.customer.postalCode,
    lines: sale.lines.map((l, i) => {
      const price = v.prices[i];
      return {
        lineNo: l.lineNo,
        serviceProductCode: v.serviceProductCodes.get(l.salesProductCode) ?? l.salesProductCode,
        salesProductCode: l.salesProductCode,
        quantity: l.quantity,
        unitPriceMinor: l.unitPriceMinor,
        currency: l.currency,
        ...(price && {
          listPriceMinor: price.listPriceMinor,
          channelAdjustmentMinor: price.channelAdjustmentMinor,
          totalMinor: price.totalMinor,
          pricingRuleId: price.pricingRuleId,
        }),
      };
    }),
    ...(v.price && { price: v.price }),
    skills: v.skills,
    technicalVisitRequired: v.technicalVisitRequired,
    requestedWindow: sale.requestedWindow,
    contactDeadline: v.contactDeadline.toISOString(),
    linkedServiceOrderIds: linked,
  };
}
