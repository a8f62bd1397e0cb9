/** A channel pricing rule as intake applies it (org.channel_pricing_rules). */
export interface PricingRule {
  id: string;
  serviceProductCode: string;
  /** -5 is 5 % off the list price. */
  percentAdjustment: number;
  /** Per unit, in minor units of the country's currency: negative a discount, positive a surcharge. */
  amountAdjustmentMinor: number;
}

export interface PricedLine {
  listPriceMinor: number;
  channelAdjustmentMinor: number;
  totalMinor: number;
  pricingRuleId: string | null;
}

export interface OrderPrice {
  currency: string;
  listPriceMinor: number;
  channelAdjustmentMinor: number;
  totalMinor: number;
}

/** Half away from zero, so a discount and the same surcharge round to the same size. */
const round = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

/**
 * One line's price: list = unit price x quantity; the rule adds round(list x percent / 100) and
 * round(amount x quantity); the total never goes below zero (the adjustment is then -list).
 * No rule: the list price is the total.
 */
export function priceLine(line: { quantity: number; unitPriceMinor: number }, rule: PricingRule | undefined): PricedLine {
  const listPriceMinor = round(line.unitPriceMinor * line.quantity);
  if (!rule) return { listPriceMinor, channelAdjustmentMinor: 0, totalMinor: listPriceMinor, pricingRuleId: null };
  const adjustment = round((listPriceMinor * rule.percentAdjustment) / 100) + round(rule.amountAdjustmentMinor * line.quantity);
  const totalMinor = Math.max(0, listPriceMinor + adjustment);
  return { listPriceMinor, channelAdjustmentMinor: totalMinor - listPriceMinor, totalMinor, pricingRuleId: rule.id };
}

/** The order's sums, when its lines share one currency (undefined otherwise: sums across currencies mean nothing). */
export function priceOrder(lines: (PricedLine & { currency: string })[]): OrderPrice | undefined {
  const currencies = new Set(lines.map((l) => l.currency));
  const [currency] = currencies;
  if (currencies.size !== 1 || currency === undefined) return undefined;
  const sum = (pick: (l: PricedLine) => number) => lines.reduce((total, l) => total + pick(l), 0);
  return {
    currency,
    listPriceMinor: sum((l) => l.listPriceMinor),
    channelAdjustmentMinor: sum((l) => l.channelAdjustmentMinor),
    totalMinor: sum((l) => l.totalMinor),
  };
}
