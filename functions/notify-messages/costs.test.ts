import { beforeAll, describe, expect, it } from 'vitest';
import { startNotifyMessagesHarness, type MessageSeed, type PlacedOrder } from './testing';

const h = await startNotifyMessagesHarness();
const { call } = h;
/** October and November 2026: no other test writes messages of those months. */
const at = (iso: string) => new Date(iso);
const tariff = (micros: number, currency = 'EUR') => ({ micros, currency, source: 'tariff' as const });
const priced = (micros: number, currency = 'EUR') => ({ micros, currency, source: 'provider' as const });

const centro = { code: 'ES-CENTRO', name: 'España Centro' };
const catalunya = { code: 'ES-CATALUNYA', name: 'Catalunya' };
const rhone = { code: 'FR-RHONE-ALPES', name: 'Rhône-Alpes' };
const mazowieckie = { code: 'PL-MAZOWIECKIE', name: 'Mazowieckie' };
const euros = (amount: string, provider: string, tariffed: string) => [{ currency: 'EUR', amount, provider, tariff: tariffed }];
const sms = (sent: number, segments: number, costs: unknown[], failed = 0, suppressed = 0) => ({ channel: 'sms', sent, failed, suppressed, segments, costs });

beforeAll(async () => {
  const orders: Record<string, PlacedOrder> = {
    centro: await h.order(),
    catalunya: await h.order('pyxis-created', 'ES-BCN-0011'),
    rhone: await h.order('pyxis-created-fr-store'),
    warsaw: await h.order('tempo-created-pl'),
  };
  const seeds: [string, MessageSeed][] = [
    // España Centro, November: three SMS of two segments at 75000 each (one priced by Twilio,
    // the last one at 23:30 UTC on the 30th — already 1 December in Madrid), one failed, one
    // suppressed, one still queued (not counted), and an email at the tariff.
    ['centro', { segments: 2, cost: priced(150000), createdAt: at('2026-11-01T00:00:00Z') }],
    ['centro', { segments: 2, cost: tariff(150000), createdAt: at('2026-11-15T10:00:00Z') }],
    ['centro', { status: 'undelivered', segments: 2, cost: tariff(150000), createdAt: at('2026-11-30T23:30:00Z') }],
    ['centro', { status: 'failed', segments: null, failure: { code: '21211', reason: 'Invalid number' }, createdAt: at('2026-11-10T10:00:00Z') }],
    ['centro', { status: 'suppressed', segments: null, createdAt: at('2026-11-11T10:00:00Z') }],
    ['centro', { status: 'queued', segments: null, createdAt: at('2026-11-12T10:00:00Z') }],
    ['centro', { channel: 'email', cost: tariff(1000), createdAt: at('2026-11-12T10:00:00Z') }],
    // España Centro, October: 23:30 UTC on the 31st is October.
    ['centro', { segments: 1, cost: tariff(75000), createdAt: at('2026-10-31T23:30:00Z') }],
    ['catalunya', { segments: 1, cost: tariff(75000), createdAt: at('2026-11-05T10:00:00Z') }],
    ['rhone', { segments: 3, cost: priced(237000), createdAt: at('2026-11-05T10:00:00Z') }],
    ['warsaw', { segments: 1, cost: tariff(170000, 'PLN'), createdAt: at('2026-11-05T10:00:00Z') }],
  ];
  for (const [order, seed] of seeds) await h.message(orders[order]!, seed);
});

const centroNovember = {
  country: 'ES',
  businessUnit: centro,
  month: '2026-11',
  channels: [
    { channel: 'email', sent: 1, failed: 0, suppressed: 0, segments: null, costs: euros('0.001', '0.00', '0.001') },
    sms(3, 6, euros('0.45', '0.15', '0.30'), 1, 1),
  ],
};

describe('notify-messages GET /costs', () => {
  it('when an admin asks for October to November, then per country, business unit, month (UTC) and channel: counts, segments and costs, and the totals', async () => {
    const answer = await call('/costs?from=2026-10&to=2026-11', 'admin');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      from: '2026-10',
      to: '2026-11',
      items: [
        { country: 'ES', businessUnit: catalunya, month: '2026-11', channels: [sms(1, 1, euros('0.075', '0.00', '0.075'))] },
        { country: 'ES', businessUnit: centro, month: '2026-10', channels: [sms(1, 1, euros('0.075', '0.00', '0.075'))] },
        centroNovember,
        { country: 'FR', businessUnit: rhone, month: '2026-11', channels: [sms(1, 3, euros('0.237', '0.237', '0.00'))] },
        {
          country: 'PL',
          businessUnit: mazowieckie,
          month: '2026-11',
          channels: [sms(1, 1, [{ currency: 'PLN', amount: '0.17', provider: '0.00', tariff: '0.17' }])],
        },
      ],
      totals: [
        { currency: 'EUR', amount: '0.838', provider: '0.387', tariff: '0.451' },
        { currency: 'PLN', amount: '0.17', provider: '0.00', tariff: '0.17' },
      ],
    });
  });

  it('when no period is given, then the current month (UTC); filtered by country or business unit, then only those', async () => {
    h.setNow(new Date('2026-11-30T23:59:00Z'));
    try {
      const month = await call('/costs?businessUnit=ES-CENTRO', 'admin');
      expect(month.body).toEqual({ from: '2026-11', to: '2026-11', items: [centroNovember], totals: euros('0.451', '0.15', '0.301') });
      const onlyFrom = await call('/costs?from=2026-10&country=FR', 'admin');
      expect(onlyFrom.body).toMatchObject({ from: '2026-10', to: '2026-11', items: [{ country: 'FR', businessUnit: rhone }] });
    } finally {
      h.setNow(undefined);
    }
  });

  it("when an admin of Spain only asks, then Spain's costs only", async () => {
    const answer = await call('/costs?from=2026-10&to=2026-11', 'admin-es');
    expect(answer.status).toBe(200);
    expect((answer.body.items as { businessUnit: { code: string } }[]).map((i) => i.businessUnit.code)).toEqual(['ES-CATALUNYA', 'ES-CENTRO', 'ES-CENTRO']);
    expect(answer.body.totals).toEqual(euros('0.601', '0.15', '0.451'));
    expect(await call('/costs?from=2026-11&to=2026-11&country=FR', 'admin-es')).toMatchObject({ status: 200, body: { items: [], totals: [] } });
  });

  it('when an operator, provider staff or nobody asks, then 403, 403 and 401', async () => {
    expect((await call('/costs', 'operator-es')).status).toBe(403);
    expect((await call('/costs', 'technician')).status).toBe(403);
    expect((await call('/costs', undefined)).status).toBe(401);
  });

  it.each([
    ['from=2026-13', 'query.from'],
    ['from=2026-11&to=2026-10', 'query.from'],
    ['from=2024-11&to=2026-11', 'query.from'],
    ['from=2027-01', 'query.from'],
    ['from=2024-01', 'query.from'],
    ['to=2026-1', 'query.to'],
    ['country=es', 'query.country'],
    ['businessUnit=centro', 'query.businessUnit'],
  ])('when the query has %s, then 400 naming %s', async (query, field) => {
    h.setNow(new Date('2026-11-20T10:00:00Z'));
    try {
      const answer = await call(`/costs?${query}`, 'admin');
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
      expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
    } finally {
      h.setNow(undefined);
    }
  });

  it('when the period is exactly 24 months, then it is answered', async () => {
    expect((await call('/costs?from=2024-12&to=2026-11&country=IT', 'admin')).status).toBe(200);
  });
});
