import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { salesOrderCreated } from '../../events';
import { orderIntakeFunction } from '../../functions/order-intake/function';
import { pyxis, tempo } from '../../test/fixtures/sales';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import catalogue from '../db/seed/products.fixture.json';
import { NotFoundError } from '../errors';
import { coveringWarranties, orderWarranties, startWarranties, warrantyEndDate, type Warranty } from './warranties';

const db = useTestDb();
const intakeUrl = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));

type Country = 'ES' | 'FR' | 'IT' | 'PL';
const salesCodes = new Map(catalogue.serviceProducts.map((p) => [p.code, p.salesCodes]));

/** An order of `country` with one line per service product, sold the way production does (order-intake). */
async function sell(country: Country, products: string[]): Promise<string> {
  const suffix = unique();
  const codes = (product: string, system: 'PYXIS' | 'TEMPO') => salesCodes.get(product)![system][0]!;
  const message =
    country === 'ES' || country === 'FR'
      ? pyxis(country === 'ES' ? 'pyxis-created' : 'pyxis-created-fr-phone', suffix)
      : tempo(country === 'IT' ? 'tempo-created' : 'tempo-created-pl', suffix);
  if ('header' in message) {
    const [line] = message.order.lines;
    message.order.lines = products.map((p, i) => ({ ...line!, lineNo: i + 1, productCode: codes(p, 'PYXIS') }));
  } else {
    const [item] = message.sale.items;
    message.sale.items = products.map((p, i) => ({ ...item!, row: i + 1, sku: codes(p, 'TEMPO') }));
  }
  const answer = await postEvent(intakeUrl, cloudEvent({ type: salesOrderCreated.type, source: '/sales/test', id: randomUUID(), data: message }));
  expect(answer.body).toMatchObject({ result: 'applied' });
  const [system, ref] = 'header' in message ? ['PYXIS', message.order.orderNumber] : ['TEMPO', message.sale.sale_ref];
  const { rows } = await db.query<{ id: string }>('SELECT id FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2', [system, ref]);
  return rows[0]!.id;
}

const clocks = (warranties: Warranty[]) => warranties.map((w) => [w.code, w.endsOn, w.reportingWindowDays]);

const KITCHEN = ['KITCHEN_INSTALL_STD', 'WORKTOP_INSTALL'];
const BATH = ['BATH_TO_SHOWER'];
const BOILER = ['BOILER_REPLACEMENT', 'FLUE_KIT'];
const ACCEPTED = '2026-12-10';

/** [code, endsOn, reportingWindowDays] per country and order, accepted on 2026-12-10, soonest end first. */
const expected: Record<Country, Record<'kitchen' | 'bath' | 'boiler', [string, string, number | null][]>> = {
  FR: {
    kitchen: [['parfait-achevement', '2027-12-10', null]],
    bath: [
      ['parfait-achevement', '2027-12-10', null],
      ['decennale', '2036-12-10', null],
    ],
    boiler: [
      ['parfait-achevement', '2027-12-10', null],
      ['bon-fonctionnement', '2028-12-10', null],
    ],
  },
  ES: {
    kitchen: [['acabado', '2027-12-10', null]],
    bath: [
      ['acabado', '2027-12-10', null],
      ['habitabilidad', '2029-12-10', null],
    ],
    boiler: [
      ['acabado', '2027-12-10', null],
      ['habitabilidad', '2029-12-10', null],
    ],
  },
  IT: {
    kitchen: [['difformita-vizi', '2028-12-10', 60]],
    bath: [
      ['difformita-vizi', '2028-12-10', 60],
      ['gravi-difetti', '2036-12-10', 365],
    ],
    boiler: [['difformita-vizi', '2028-12-10', 60]],
  },
  PL: {
    kitchen: [['rekojmia', '2028-12-10', null]],
    bath: [
      ['rekojmia', '2028-12-10', null],
      ['rekojmia-nieruchomosc', '2031-12-10', null],
    ],
    boiler: [['rekojmia', '2028-12-10', null]],
  },
};

describe('warrantyEndDate', () => {
  it('when a warranty runs N months, then it ends on the anniversary date, the last covered day', () => {
    expect(warrantyEndDate('2026-12-10', 12)).toBe('2027-12-10');
    expect(warrantyEndDate('2026-12-10', 120)).toBe('2036-12-10');
    expect(warrantyEndDate('2026-11-30', 3)).toBe('2027-02-28');
    expect(warrantyEndDate('2026-01-31', 1)).toBe('2026-02-28');
  });

  it('when a warranty starts on 29 February, then it ends on 28 February of a common year and 29 February of a leap year', () => {
    expect(warrantyEndDate('2028-02-29', 12)).toBe('2029-02-28');
    expect(warrantyEndDate('2028-02-29', 24)).toBe('2030-02-28');
    expect(warrantyEndDate('2028-02-29', 48)).toBe('2032-02-29');
  });

  it('when the date or the months are not valid, then it throws', () => {
    expect(() => warrantyEndDate('2027-02-29', 12)).toThrow(RangeError);
    expect(() => warrantyEndDate('10/12/2026', 12)).toThrow(RangeError);
    expect(() => warrantyEndDate('2026-12-10', 0)).toThrow(RangeError);
  });
});

describe('startWarranties', () => {
  for (const country of ['FR', 'ES', 'IT', 'PL'] as const) {
    for (const [kind, products] of [
      ['kitchen', KITCHEN],
      ['bath', BATH],
      ['boiler', BOILER],
    ] as const) {
      it(`when the customer accepts a ${country} ${kind} order, then exactly its country's legal warranties start`, async () => {
        const order = await sell(country, products);
        const formId = randomUUID();
        const warranties = await startWarranties(db, { serviceOrderId: order, acceptedOn: ACCEPTED, formId });
        expect(clocks(warranties)).toEqual(expected[country][kind]);
        for (const w of warranties) {
          expect(w).toMatchObject({ serviceOrderId: order, countryCode: country, startsOn: ACCEPTED, formId });
          expect(w.legalSource).not.toBe('');
        }
      });
    }
  }

  it('when a kitchen is accepted in any country, then it never gets a 5- or 10-year building warranty', async () => {
    for (const country of ['FR', 'ES', 'IT', 'PL'] as const) {
      const warranties = await startWarranties(db, { serviceOrderId: await sell(country, KITCHEN), acceptedOn: ACCEPTED, formId: null });
      expect(warranties.filter((w) => w.endsOn > '2028-12-10')).toEqual([]);
      expect(warranties.every((w) => w.categories.includes('fitting'))).toBe(true);
    }
  });

  it('when an IT order is accepted, then the warranty keeps its 60-day reporting window', async () => {
    const [warranty] = await startWarranties(db, { serviceOrderId: await sell('IT', KITCHEN), acceptedOn: ACCEPTED, formId: null });
    expect(warranty).toMatchObject({ code: 'difformita-vizi', legalSource: 'Codice civile art. 1667', reportingWindowDays: 60 });
  });

  it('when the work is accepted on 29 February, then the warranties end on 28 February', async () => {
    const warranties = await startWarranties(db, { serviceOrderId: await sell('FR', BATH), acceptedOn: '2028-02-29', formId: null });
    expect(clocks(warranties)).toEqual([
      ['parfait-achevement', '2029-02-28', null],
      ['decennale', '2038-02-28', null],
    ]);
  });

  it('when a product has no warranty category, then only the rules covering every category start', async () => {
    const product = `UNMAPPED_${unique()}`;
    await db.query(`INSERT INTO orders.service_products (code, name, technical_visit_required, duration_hours) VALUES ($1, 'Test', FALSE, 1)`, [product]);
    const order = await sell('FR', BOILER);
    await db.query('UPDATE orders.service_order_lines SET service_product_code = $2 WHERE service_order_id = $1', [order, product]);
    const warranties = await startWarranties(db, { serviceOrderId: order, acceptedOn: ACCEPTED, formId: null });
    expect(clocks(warranties)).toEqual([['parfait-achevement', '2027-12-10', null]]);
  });

  it('when the acceptance is recorded twice, then the second call inserts nothing and returns the same warranties', async () => {
    const order = await sell('ES', BATH);
    const first = await startWarranties(db, { serviceOrderId: order, acceptedOn: ACCEPTED, formId: randomUUID() });
    const second = await startWarranties(db, { serviceOrderId: order, acceptedOn: '2027-01-15', formId: randomUUID() });
    expect(second).toEqual(first);
    const { rows } = await db.query('SELECT 1 FROM wcf.warranties WHERE service_order_id = $1', [order]);
    expect(rows).toHaveLength(2);
  });

  it('when the order does not exist, then NotFoundError', async () => {
    await expect(startWarranties(db, { serviceOrderId: randomUUID(), acceptedOn: ACCEPTED, formId: null })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('orderWarranties', () => {
  it('when one warranty has ended, then it is not running and the others count their days left', async () => {
    const order = await sell('FR', BOILER);
    await startWarranties(db, { serviceOrderId: order, acceptedOn: ACCEPTED, formId: null });
    const views = await orderWarranties(db, order, '2028-01-15');
    expect(views.map((v) => [v.code, v.endsOn, v.running, v.daysLeft])).toEqual([
      ['parfait-achevement', '2027-12-10', false, 0],
      ['bon-fonctionnement', '2028-12-10', true, 330],
    ]);
  });

  it('when today is the end date, then the warranty is still running with 0 days left', async () => {
    const order = await sell('PL', KITCHEN);
    await startWarranties(db, { serviceOrderId: order, acceptedOn: ACCEPTED, formId: null });
    const [view] = await orderWarranties(db, order, '2028-12-10');
    expect(view).toMatchObject({ code: 'rekojmia', running: true, daysLeft: 0 });
  });

  it('when an order has no warranties, then none', async () => {
    expect(await orderWarranties(db, await sell('IT', KITCHEN), ACCEPTED)).toEqual([]);
  });
});

describe('coveringWarranties', () => {
  const w = (code: string, startsOn: string, endsOn: string) => ({ code, startsOn, endsOn });
  const started = [w('parfait-achevement', '2026-12-10', '2027-12-10'), w('decennale', '2026-12-10', '2036-12-10')];

  it('when a claim is dated within a warranty, up to its end date, then that warranty covers it', () => {
    expect(coveringWarranties(started, '2027-12-10').map((c) => c.code)).toEqual(['parfait-achevement', 'decennale']);
    expect(coveringWarranties(started, '2027-12-11').map((c) => c.code)).toEqual(['decennale']);
  });

  it('when a claim is dated before acceptance or after every end date, then nothing covers it', () => {
    expect(coveringWarranties(started, '2026-12-09')).toEqual([]);
    expect(coveringWarranties(started, '2036-12-11')).toEqual([]);
  });

  it('when given the warranties of an order, then it picks by the claim date', async () => {
    const warranties = await startWarranties(db, { serviceOrderId: await sell('IT', BATH), acceptedOn: ACCEPTED, formId: null });
    expect(coveringWarranties(warranties, '2029-06-01').map((c) => c.code)).toEqual(['gravi-difetti']);
  });
});
