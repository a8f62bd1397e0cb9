import { describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { pricingRulesFunction } from './function';

const db = useTestDb();
const identity = await useDevIdentity();
const url = await startFunction('pricing-rules', pricingRulesFunction({ db, authenticator: identity.authenticator, logger: memoryLogger() }));

type User = 'admin' | 'operator-es' | null;

async function call(method: string, path: string, body?: unknown, user: User = 'admin') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user) headers.authorization = await identity.bearer(user);
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A catalogue product of this test only, so its rules meet no other test's. */
async function newProduct(): Promise<string> {
  const code = `TEST_PRICING_${unique()}`;
  await db.query(`INSERT INTO orders.service_products (code, name, skills, technical_visit_required, duration_hours) VALUES ($1, 'Test', '{}', false, 1)`, [
    code,
  ]);
  return code;
}

async function rulesOf(product: string) {
  const { rows } = await db.query<{ valid_from: string; valid_to: string | null }>(
    `SELECT to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
       FROM org.channel_pricing_rules WHERE service_product_code = $1 ORDER BY valid_from`,
    [product],
  );
  return rows;
}

const rule = (product: string, extra: Record<string, unknown> = {}) => ({
  countryCode: 'ES',
  salesChannel: 'ONLINE',
  serviceProductCode: product,
  percentAdjustment: -5,
  validFrom: '2027-01-01',
  ...extra,
});

describe('pricing-rules POST /', () => {
  it('when an admin adds a rule, then 201 with the rule, its currency and open end, and it is stored', async () => {
    const product = await newProduct();
    const answer = await call('POST', '/', rule(product, { amountAdjustmentMinor: -1000, description: 'online -5 % and EUR 10 off' }));
    expect(answer).toEqual({
      status: 201,
      body: {
        id: expect.any(String) as unknown,
        countryCode: 'ES',
        salesChannel: 'ONLINE',
        serviceProductCode: product,
        percentAdjustment: -5,
        amountAdjustmentMinor: -1000,
        currency: 'EUR',
        validFrom: '2027-01-01',
        validTo: null,
        description: 'online -5 % and EUR 10 off',
      },
    });
    expect(await rulesOf(product)).toEqual([{ valid_from: '2027-01-01', valid_to: null }]);
  });

  it('when a rule overlaps another of the same country, channel and product, then 409 pricing-rule-overlap naming it, and nothing is stored', async () => {
    const product = await newProduct();
    const first = await call('POST', '/', rule(product, { validFrom: '2027-01-01', validTo: '2027-07-01' }));
    expect(first.status).toBe(201);
    const overlapping = await call('POST', '/', rule(product, { validFrom: '2027-06-01', percentAdjustment: -8 }));
    expect(overlapping).toMatchObject({
      status: 409,
      body: {
        reason: 'pricing-rule-overlap',
        message: `a ES ONLINE pricing rule for ${product} from 2027-06-01 with no end overlaps ${String(first.body.id)} (from 2027-01-01 until 2027-07-01 (exclusive)): one rule per country, channel and product at a time; close the other rule first (POST /pricing-rules/<id>/close) or choose other dates`,
      },
    });
    expect(await rulesOf(product)).toEqual([{ valid_from: '2027-01-01', valid_to: '2027-07-01' }]);

    // Right after it (validTo is exclusive), in another channel or another country: no overlap.
    expect((await call('POST', '/', rule(product, { validFrom: '2027-07-01' }))).status).toBe(201);
    expect((await call('POST', '/', rule(product, { salesChannel: 'PHONE', validFrom: '2027-03-01' }))).status).toBe(201);
    expect((await call('POST', '/', rule(product, { countryCode: 'FR', validFrom: '2027-03-01' }))).status).toBe(201);
  });

  it('when the same overlapping rule reaches the table past the check, then the exclusion constraint refuses it', async () => {
    const product = await newProduct();
    expect((await call('POST', '/', rule(product))).status).toBe(201);
    await expect(
      db.query(
        `INSERT INTO org.channel_pricing_rules (country_code, sales_channel, service_product_code, percent_adjustment, valid_from)
         VALUES ('ES', 'ONLINE', $1, -3, '2028-01-01')`,
        [product],
      ),
    ).rejects.toMatchObject({ code: '23P01', constraint: 'ex_channel_pricing_rules_overlap' });
  });

  it('when the input is wrong, then 400 naming each field and nothing is stored', async () => {
    const product = await newProduct();
    const cases: [Record<string, unknown>, string][] = [
      [rule(product, { salesChannel: 'WEB' }), 'salesChannel'],
      [rule(product, { percentAdjustment: -120 }), 'percentAdjustment'],
      [rule(product, { percentAdjustment: -5.123 }), 'percentAdjustment'],
      [rule(product, { percentAdjustment: 0 }), 'percentAdjustment'],
      [rule(product, { amountAdjustmentMinor: 10.5 }), 'amountAdjustmentMinor'],
      [rule(product, { validFrom: '2027-13-01' }), 'validFrom'],
      [rule(product, { validTo: '2027-01-01' }), 'validTo'],
      [rule(product, { countryCode: 'es' }), 'countryCode'],
      [rule(product, { surprise: true }), ''],
    ];
    for (const [body, field] of cases) {
      const answer = await call('POST', '/', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      if (field) expect(answer.body.issues, JSON.stringify(body)).toContainEqual(expect.objectContaining({ field }));
    }
    expect(await call('POST', '/', rule('NO_SUCH_PRODUCT'))).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'serviceProductCode', message: 'no service product NO_SUCH_PRODUCT in the catalogue' }] },
    });
    expect(await call('POST', '/', rule(product, { countryCode: 'DE' }))).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'countryCode', message: 'no country DE' }] },
    });
    expect(await rulesOf(product)).toEqual([]);
  });

  it('when an operator asks, then 403; without a token, then 401; nothing is stored', async () => {
    const product = await newProduct();
    expect((await call('POST', '/', rule(product), 'operator-es')).status).toBe(403);
    expect((await call('POST', '/', rule(product), null)).status).toBe(401);
    expect((await call('GET', '/', undefined, 'operator-es')).status).toBe(403);
    expect(await rulesOf(product)).toEqual([]);
  });
});

describe('pricing-rules POST /:id/close', () => {
  it('when an admin closes a rule, then it ends the day before validTo and a rule can follow it', async () => {
    const product = await newProduct();
    const { body: open } = await call('POST', '/', rule(product));
    const closed = await call('POST', `/${String(open.id)}/close`, { validTo: '2027-04-01' });
    expect(closed).toMatchObject({ status: 200, body: { id: open.id, validFrom: '2027-01-01', validTo: '2027-04-01' } });
    expect((await call('POST', '/', rule(product, { validFrom: '2027-04-01', percentAdjustment: -7 }))).status).toBe(201);
    expect(await rulesOf(product)).toEqual([
      { valid_from: '2027-01-01', valid_to: '2027-04-01' },
      { valid_from: '2027-04-01', valid_to: null },
    ]);
  });

  it('when closing would lengthen a rule into the next one, then 409; before its start, then 400; an unknown rule, then 404; an operator, then 403', async () => {
    const product = await newProduct();
    const { body: first } = await call('POST', '/', rule(product, { validTo: '2027-04-01' }));
    const { body: next } = await call('POST', '/', rule(product, { validFrom: '2027-04-01' }));
    expect(await call('POST', `/${String(first.id)}/close`, { validTo: '2027-05-01' })).toMatchObject({
      status: 409,
      body: { reason: 'pricing-rule-overlap', message: expect.stringContaining(`overlaps ${String(next.id)}`) as unknown },
    });
    expect(await call('POST', `/${String(first.id)}/close`, { validTo: '2027-01-01' })).toMatchObject({
      status: 400,
      body: { issues: [expect.objectContaining({ field: 'validTo' })] },
    });
    expect((await call('POST', '/00000000-0000-4000-8000-000000000000/close', { validTo: '2027-05-01' })).status).toBe(404);
    expect((await call('POST', `/${String(first.id)}/close`, { validTo: '2027-02-01' }, 'operator-es')).status).toBe(403);
    expect(await rulesOf(product)).toEqual([
      { valid_from: '2027-01-01', valid_to: '2027-04-01' },
      { valid_from: '2027-04-01', valid_to: null },
    ]);
  });
});

describe('pricing-rules GET /', () => {
  it("when an admin lists a country's online rules valid on a date, then the seeded ES online rule is there and no other", async () => {
    const answer = await call('GET', '/?countryCode=ES&salesChannel=ONLINE&serviceProductCode=WORKTOP_INSTALL&validOn=2026-11-28');
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body.items).toEqual([
      expect.objectContaining({ countryCode: 'ES', salesChannel: 'ONLINE', serviceProductCode: 'WORKTOP_INSTALL', percentAdjustment: -5, validTo: null }),
    ]);
    const all = await call('GET', '/?countryCode=ES&salesChannel=ONLINE&serviceProductCode=WORKTOP_INSTALL');
    expect((all.body.items as { validFrom: string }[]).map((r) => r.validFrom)).toEqual(['2026-01-01', '2026-03-01']);
  });
});
