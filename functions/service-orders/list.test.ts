import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServiceOrdersHarness, type Page } from './testing';

const h = await startServiceOrdersHarness();
const { db, identity, sellPyxis, get, listAll, ids } = h;
const orders = { esStore: '', esOnline: '', esCancelled: '', frStore: '', frPhone: '', itOnline: '' };
beforeAll(async () => {
  Object.assign(orders, await h.seedOrders());
});

describe('service-orders GET / (list)', () => {
  it('when operator-es lists, then its ES orders are there and no order of another country', async () => {
    const items = await listAll(await identity.bearer('operator-es'));
    expect(ids(items)).toEqual(expect.arrayContaining([orders.esStore, orders.esOnline, orders.esCancelled]));
    expect(ids(items)).not.toContain(orders.frStore);
    expect(ids(items)).not.toContain(orders.itOnline);
    expect(new Set(items.map((i) => i.countryCode))).toEqual(new Set(['ES']));
  });

  it('when operator-fr lists, then its FR orders are there and no order of another country', async () => {
    const items = await listAll(await identity.bearer('operator-fr'));
    expect(ids(items)).toEqual(expect.arrayContaining([orders.frStore, orders.frPhone]));
    expect(ids(items)).not.toContain(orders.esStore);
    expect(new Set(items.map((i) => i.countryCode))).toEqual(new Set(['FR']));
  });

  it("when an operator of one business unit lists, then only that BU's orders are there", async () => {
    const paris = await sellPyxis('pyxis-created-fr-store', (o) => Object.assign(o, { storeCode: 'FR-PAR-0101' }));
    const items = await listAll(await identity.bearer('operator-fr-rhone'));
    expect(ids(items)).toEqual(expect.arrayContaining([orders.frStore, orders.frPhone]));
    expect(ids(items)).not.toContain(paris);
    expect(new Set(items.map((i) => i.businessUnitCode))).toEqual(new Set(['FR-RHONE-ALPES']));
    expect((await get(`/${paris}`, await identity.bearer('operator-fr-rhone'))).status).toBe(404);
    expect((await get(`/${paris}`, await identity.bearer('operator-fr'))).status).toBe(200);
  });

  it('when admin lists, then orders of every country are there', async () => {
    const items = await listAll(await identity.bearer('admin'));
    expect(ids(items)).toEqual(expect.arrayContaining(Object.values(orders)));
  });

  it('when a list item is returned, then it is the summary: no customer, no lines', async () => {
    const items = await listAll(await identity.bearer('operator-es'), { store: 'ES-MAD-0057' });
    const item = items.find((i) => i.id === orders.esOnline);
    expect(item).toMatchObject({ salesChannel: 'ONLINE', storeCode: 'ES-MAD-0057', businessUnitCode: 'ES-CENTRO' });
    expect(item).not.toHaveProperty('customer');
    expect(item).not.toHaveProperty('lines');
  });

  describe('filters narrow the list', () => {
    it.each([
      ['status', 'CANCELLED', 'status', () => orders.esCancelled, () => orders.esStore],
      ['status', 'CREATED', 'status', () => orders.esStore, () => orders.esCancelled],
      ['store', 'ES-MAD-0057', 'storeCode', () => orders.esOnline, () => orders.esStore],
      ['store', 'ES-MAD-0042', 'storeCode', () => orders.esStore, () => orders.esOnline],
      ['channel', 'ONLINE', 'salesChannel', () => orders.esOnline, () => orders.esStore],
      ['channel', 'IN_STORE', 'salesChannel', () => orders.esStore, () => orders.esOnline],
      ['salesSystem', 'TEMPO', 'salesSystem', () => orders.itOnline, () => orders.esStore],
      ['salesSystem', 'PYXIS', 'salesSystem', () => orders.frStore, () => orders.itOnline],
    ])('when %s=%s, then only matching orders are listed', async (filter, value, field, wanted, unwanted) => {
      const items = await listAll(await identity.bearer('admin'), { [filter]: value });
      expect(ids(items)).toContain(wanted());
      expect(ids(items)).not.toContain(unwanted());
      expect(items.every((i) => i[field] === value)).toBe(true);
    });

    it('when filters are combined, then all of them apply', async () => {
      const items = await listAll(await identity.bearer('operator-es'), { store: 'ES-MAD-0042', status: 'CANCELLED' });
      expect(ids(items)).toContain(orders.esCancelled);
      expect(ids(items)).not.toContain(orders.esStore);
      expect(ids(items)).not.toContain(orders.esOnline);
    });

    it('when operator-es filters by an FR store, then the list is empty', async () => {
      expect(await listAll(await identity.bearer('operator-es'), { store: 'FR-LYS-0318' })).toEqual([]);
    });
  });

  describe('pagination', () => {
    /** Walks `query` with limit=1; returns each page's ids. */
    async function walk(query: Record<string, string>): Promise<string[][]> {
      const bearer = await identity.bearer('operator-es');
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const params = new URLSearchParams({ ...query, limit: '1', ...(cursor ? { cursor } : {}) });
        const answer = await get(`/?${params.toString()}`, bearer);
        expect(answer.status).toBe(200);
        const page = answer.body as unknown as Page;
        pages.push(ids(page.items));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 500);
      return pages;
    }

    /** Orders of their own corner of the list (a Barcelona partner sale), newest last. */
    async function partnerSales(count: number): Promise<string[]> {
      const created: string[] = [];
      for (let i = 0; i < count; i++) {
        created.push(await sellPyxis('pyxis-created', (o) => Object.assign(o, { storeCode: 'ES-BCN-0011', channel: 'PARTNER' })));
      }
      return created;
    }

    const corner = { store: 'ES-BCN-0011', channel: 'PARTNER' };

    it('when limit=1, then nextCursor walks every order once, newest first, and the last page has no cursor', async () => {
      const created = await partnerSales(3);
      const pages = await walk(corner);
      expect(pages.every((p) => p.length <= 1)).toBe(true);
      const seen = pages.flat();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => created.includes(id))).toEqual([...created].reverse());
    });

    it('when orders were created within the same millisecond, then none is skipped or repeated', async () => {
      const created = await partnerSales(3);
      // Postgres keeps microseconds; a cursor that keeps only milliseconds would skip the older two.
      const times = ['2001-02-03T04:05:06.789300Z', '2001-02-03T04:05:06.789200Z', '2001-02-03T04:05:06.789100Z'];
      for (const [i, id] of created.entries()) {
        await db.query('UPDATE orders.service_orders SET created_at = $2 WHERE id = $1', [id, times[i]]);
      }
      const seen = (await walk(corner)).flat();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => created.includes(id))).toEqual(created);
    });
  });

  describe('invalid queries: 400 naming the field', () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    it.each([
      ['limit=0', 'query.limit', 'limit=0'],
      ['limit=101', 'query.limit', 'limit=101'],
      ['limit=ten', 'query.limit', 'limit=ten'],
      ['channel=FOO', 'query.channel', 'channel=FOO'],
      ['status=DONE', 'query.status', 'status=DONE'],
      ['salesSystem=SAP', 'query.salesSystem', 'salesSystem=SAP'],
      ['the cursor is not base64 JSON', 'query.cursor', 'cursor=nope'],
      ['the cursor id is 36 dashes', 'query.cursor', `cursor=${cursor({ c: '2026-11-28T10:00:00.000Z', i: '-'.repeat(36) })}`],
      ['the cursor time is "1"', 'query.cursor', `cursor=${cursor({ c: '1', i: randomUUID() })}`],
      ['the cursor time is "March 7"', 'query.cursor', `cursor=${cursor({ c: 'March 7', i: randomUUID() })}`],
      ['the cursor time is 31 February', 'query.cursor', `cursor=${cursor({ c: '2026-02-31T00:00:00.000Z', i: randomUUID() })}`],
      ['the cursor time is 24:00', 'query.cursor', `cursor=${cursor({ c: '2026-11-28T24:00:00Z', i: randomUUID() })}`],
    ])('when %s, then 400 names %s', async (_case, field, query) => {
      const answer = await get(`/?${query}`, await identity.bearer('operator-es'));
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
      expect(answer.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });
  });
});
