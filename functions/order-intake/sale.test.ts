import { describe, expect, it } from 'vitest';
import { pyxis, tempo } from '../../test/fixtures/sales';
import { decimalToMinor, toSale } from './sale';

describe('one Sale from either sales system', () => {
  it('when Pyxis sends decimal strings, then amounts become minor units without rounding errors', () => {
    expect(decimalToMinor('1290.00')).toBe(129000);
    expect(decimalToMinor('0.1')).toBe(10);
    expect(decimalToMinor('19.99')).toBe(1999);
    expect(decimalToMinor('7')).toBe(700);
  });

  it("when a Pyxis call-centre order arrives, then it is a PHONE sale with the customer's full name and metadata", () => {
    const sale = toSale(pyxis('pyxis-created-fr-phone'));
    expect(sale).toMatchObject({
      salesSystem: 'PYXIS',
      salesOrderId: 'FR-0318-229310',
      revision: 1,
      cancelled: false,
      channel: 'PHONE',
      storeCode: 'FR-LYS-0318',
      requestedWindow: { from: '2027-01-04', to: '2027-01-08' },
      customer: { externalId: 'PYX-C-0987001', fullName: 'Camille BERNARD', geo: null, countryCode: 'FR' },
      metadata: { messageId: 'PYX-MSG-2026112816450003', salesChannelCode: 'CALL_CENTER', sellerId: 'CC-0091' },
    });
    expect(sale.lines).toEqual([
      {
        lineNo: 1,
        salesProductCode: 'PYX-SRV-BATH-SHOWER',
        description: 'Remplacement baignoire par douche',
        quantity: 1,
        unitPriceMinor: 319000,
        currency: 'EUR',
      },
    ]);
  });

  it('when a Tempo sale arrives, then channel, version, dates and money map to the same shape', () => {
    const sale = toSale(tempo('tempo-created-pl'));
    expect(sale).toMatchObject({
      salesSystem: 'TEMPO',
      salesOrderId: 'PL-0021/2026/019877',
      revision: 1,
      channel: 'PHONE',
      storeCode: 'PL-WAW-0021',
      soldAt: new Date('2026-11-28T00:00:00Z'),
      requestedWindow: { from: '2026-12-05', to: '2026-12-05' },
      customer: { externalId: 'TMP-B-31002', fullName: 'Agnieszka Kowalska', postalCode: '00-514', countryCode: 'PL' },
    });
    expect(sale.lines[0]).toMatchObject({ quantity: 3, unitPriceMinor: 34900, currency: 'PLN' });
  });

  it.each([
    ['WEB', 'ONLINE'],
    ['PARTNER', 'PARTNER'],
  ] as const)('when Pyxis says channel %s, then the channel is %s', (code, channel) => {
    const message = pyxis('pyxis-created');
    message.order.channel = code;
    expect(toSale(message).channel).toBe(channel);
  });

  it('when Tempo voids a sale or Pyxis cancels one, then the sale is cancelled', () => {
    const t = tempo('tempo-created');
    t.sale.state = 'void';
    const p = pyxis('pyxis-updated');
    p.order.status = 'CANCELLED';
    expect(toSale(t).cancelled).toBe(true);
    expect(toSale(p).cancelled).toBe(true);
  });
});
