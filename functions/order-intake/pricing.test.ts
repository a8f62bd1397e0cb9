import { describe, expect, it } from 'vitest';
import { priceLine, priceOrder, type PricingRule } from './pricing';

const rule = (percentAdjustment: number, amountAdjustmentMinor: number): PricingRule => ({
  id: 'rule-1',
  serviceProductCode: 'WORKTOP_INSTALL',
  percentAdjustment,
  amountAdjustmentMinor,
});

describe('priceLine', () => {
  it('when no rule applies, then the total is the list price (unit price x quantity) with no adjustment', () => {
    expect(priceLine({ quantity: 2, unitPriceMinor: 12_000 }, undefined)).toEqual({
      listPriceMinor: 24_000,
      channelAdjustmentMinor: 0,
      totalMinor: 24_000,
      pricingRuleId: null,
    });
  });

  it('when a rule takes 5 %, then the adjustment is 5 % of the list price, rounded half away from zero', () => {
    expect(priceLine({ quantity: 1, unitPriceMinor: 24_000 }, rule(-5, 0))).toEqual({
      listPriceMinor: 24_000,
      channelAdjustmentMinor: -1_200,
      totalMinor: 22_800,
      pricingRuleId: 'rule-1',
    });
    expect(priceLine({ quantity: 1, unitPriceMinor: 1_010 }, rule(-5, 0)).channelAdjustmentMinor).toBe(-51);
  });

  it('when a rule has a percentage and a per-unit amount, then both apply, the amount once per unit', () => {
    expect(priceLine({ quantity: 3, unitPriceMinor: 10_000 }, rule(-10, 2_500))).toMatchObject({
      listPriceMinor: 30_000,
      channelAdjustmentMinor: -3_000 + 7_500,
      totalMinor: 34_500,
    });
  });

  it('when a discount exceeds the list price, then the total is zero and the adjustment is minus the list price', () => {
    expect(priceLine({ quantity: 1, unitPriceMinor: 5_000 }, rule(0, -8_000))).toMatchObject({
      listPriceMinor: 5_000,
      channelAdjustmentMinor: -5_000,
      totalMinor: 0,
    });
  });
});

describe('priceOrder', () => {
  it("when the lines share a currency, then the order's list price, adjustment and total are their sums", () => {
    const a = { ...priceLine({ quantity: 1, unitPriceMinor: 129_000 }, rule(-5, 0)), currency: 'EUR' };
    const b = { ...priceLine({ quantity: 1, unitPriceMinor: 24_000 }, undefined), currency: 'EUR' };
    expect(priceOrder([a, b])).toEqual({ currency: 'EUR', listPriceMinor: 153_000, channelAdjustmentMinor: -6_450, totalMinor: 146_550 });
  });

  it('when the lines are in two currencies, then the order has no sums', () => {
    const a = { ...priceLine({ quantity: 1, unitPriceMinor: 100 }, undefined), currency: 'EUR' };
    expect(priceOrder([a, { ...a, currency: 'PLN' }])).toBeUndefined();
  });
});
