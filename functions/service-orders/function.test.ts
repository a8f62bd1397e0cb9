import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesOrderCreated, salesOrderUpdated, type PyxisOrderMessage, type TempoSaleMessage } from '../../events';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { pyxis, tempo, type PyxisFixture } from '../../test/fixtures/sales';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { fixedAuthenticator, useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { orderIntakeFunction } from '../order-intake/function';
import { serviceOrdersFunction } from './function';

const db = useTestDb();
const identity = await useDevIdentity();
const intakeUrl = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));
const url = await startFunction('service-orders', serviceOrdersFunction({ db, authenticator: identity.authenticator, logger: memoryLogger() }));

type Json = Record<string, unknown>;
interface Page {
  items: Json[];
  nextCursor: string | null;
}

/** Creates (or updates) an order the way production does: a sales event posted to order-intake. */
async function sell(message: PyxisOrderMessage | TempoSaleMessage, type: string = salesOrderCreated.type): Promise<string> {
  const answer = await postEvent(intakeUrl, cloudEvent({ type, source: '/sales/test', id: randomUUID(), data: message }));
  expect(answer.body).toMatchObject({ result: 'applied' });
  const [system, salesOrderId] = 'header' in message ? ['PYXIS', message.order.orderNumber] : ['TEMPO', message.sale.sale_ref];
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2', [system, salesOrderId]);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

function sellPyxis(name: PyxisFixture, edit: (order: PyxisOrderMessage['order']) => void = () => undefined, suffix = unique()) {
  const message = pyxis(name, suffix);
  edit(message.order);
  return sell(message);
}

async function get(path: string, authorization?: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });
  return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
}

/** Every page of the caller's list for `query` (walked with nextCursor), as one list of items. */
async function listAll(authorization: string, query: Record<string, string> = {}): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const params = new URLSearchParams({ ...query, limit: '100', ...(cursor ? { cursor } : {}) });
    const answer = await get(`/?${params.toString()}`, authorization);
    expect(answer.status).toBe(200);
    const page = answer.body as unknown as Page;
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('list did not end within 100 pages');
}

const ids = (items: Json[]) => items.map((i) => i.id as string);

/** One order per country / channel / status, shared by the read-only cases below. */
const orders = { esStore: '', esOnline: '', esCancelled: '', frStore: '', frPhone: '', itOnline: '' };

beforeAll(async () => {
  orders.esStore = await sellPyxis('pyxis-created');
  orders.esOnline = await sellPyxis('pyxis-created', (o) => Object.assign(o, { storeCode: 'ES-MAD-0057', channel: 'WEB' }));
  const suffix = unique();
  orders.esCancelled = await sellPyxis('pyxis-created', () => undefined, suffix);
  const cancel = pyxis('pyxis-updated', suffix);
  cancel.order.status = 'CANCELLED';
  await sell(cancel, salesOrderUpdated.type);
  const frSuffix = unique();
  orders.frStore = await sellPyxis('pyxis-created-fr-store', () => undefined, frSuffix);
  orders.frPhone = await sellPyxis('pyxis-created-fr-phone', () => undefined, frSuffix);
  orders.itOnline = await sell(tempo('tempo-created', unique()));
});

describe('service-orders GET /:id', () => {
  it('when operator-es reads an ES order, then 200 with its customer, lines, links and sales metadata', async () => {
    const answer = await get(`/${orders.esStore}`, await identity.bearer('operator-es'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: orders.esStore,
      status: 'CREATED',
      salesSystem: 'PYXIS',
      salesChannel: 'IN_STORE',
      revision: 1,
      countryCode: 'ES',
      businessUnitCode: 'ES-CENTRO',
      storeCode: 'ES-MAD-0042',
      requestedWindow: { from: '2026-12-14', to: '2026-12-18' },
      technicalVisitRequired: true,
      skills: ['ELECTRICAL_BASIC', 'KITCHEN', 'PLUMBING_BASIC'],
      contactDeadline: '2026-11-30T10:12:41.000Z',
      soldAt: '2026-11-28T10:12:41.000Z',
      providerId: null,
      customer: {
        name: 'Lucía García Pérez',
        phone: '+34612345678',
        email: 'lucia.garcia@example.es',
        language: 'es',
        address: { postalCode: '28009', city: 'Madrid', geo: { lat: 40.4237, lon: -3.6741 } },
      },
      linkedServiceOrderIds: [],
      salesOrderMetadata: { sellerId: 'V-10442' },
    });
    expect(answer.body.lines).toEqual([
      expect.objectContaining({ lineNo: 1, serviceProductCode: 'KITCHEN_INSTALL_STD', salesProductCode: 'PYX-SRV-KIT-STD', quantity: 1, unitPriceMinor: 129000, currency: 'EUR' }),
      expect.objectContaining({ lineNo: 2, serviceProductCode: 'WORKTOP_INSTALL', salesProductCode: 'PYX-SRV-KIT-WORKTOP', quantity: 1, unitPriceMinor: 24000, currency: 'EUR' }),
    ]);
  });

  it('when operator-es reads an FR or an IT order, then 404 as if it did not exist', async () => {
    const bearer = await identity.bearer('operator-es');
    for (const id of [orders.frStore, orders.itOnline]) {
      expect(await get(`/${id}`, bearer)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
  });

  it('when operator-fr reads an FR order, then 200 with the linked order; an ES order, then 404', async () => {
    const bearer = await identity.bearer('operator-fr');
    const answer = await get(`/${orders.frPhone}`, bearer);
    expect(answer).toMatchObject({ status: 200, body: { id: orders.frPhone, countryCode: 'FR', salesChannel: 'PHONE' } });
    expect(answer.body.linkedServiceOrderIds).toEqual([orders.frStore]);
    expect((await get(`/${orders.esStore}`, bearer)).status).toBe(404);
  });

  it('when admin (every country) reads orders of ES, FR and IT, then 200 for each', async () => {
    const bearer = await identity.bearer('admin');
    for (const id of [orders.esStore, orders.frStore, orders.itOnline]) {
      expect(await get(`/${id}`, bearer)).toMatchObject({ status: 200, body: { id } });
    }
  });

  it('when the id does not exist, then 404', async () => {
    expect((await get(`/${randomUUID()}`, await identity.bearer('admin'))).status).toBe(404);
  });

  it('when the id is not a UUID, then 400 names params.id', async () => {
    const answer = await get('/not-a-uuid', await identity.bearer('admin'));
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'params.id' })]);
  });

  describe('when the process runs east of UTC (Europe/Madrid)', () => {
    const saved = process.env.TZ;
    beforeAll(() => {
      process.env.TZ = 'Europe/Madrid';
    });
    afterAll(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    it('then the requested window still reads as the stored dates', async () => {
      const answer = await get(`/${orders.esStore}`, await identity.bearer('operator-es'));
      expect(answer.body.requestedWindow).toEqual({ from: '2026-12-14', to: '2026-12-18' });
    });
  });
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

describe('service-orders authentication and roles', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a garbage bearer token', 'Bearer garbage'],
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
  ])('when the request has %s, then 401 with WWW-Authenticate', async (_case, authorization) => {
    for (const path of ['/', `/${orders.esStore}`]) {
      const answer = await get(path, authorization);
      expect(answer).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('when the token is signed correctly but tampered with, then 401', async () => {
    const [header, payload, signature = ''] = (await identity.bearer('operator-es')).slice('Bearer '.length).split('.');
    const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
    expect((await get('/', `Bearer ${header}.${payload}.${flipped}`)).status).toBe(401);
  });

  it('when the caller has no reader role, then 403 on the list and on an order', async () => {
    const nobody = { subject: 'nobody-0001', roles: [], scope: { countries: ['*'], businessUnits: [], stores: [], providerId: null } };
    const roleless = await startFunction('service-orders', serviceOrdersFunction({
      db, authenticator: fixedAuthenticator('no-roles', nobody), logger: memoryLogger(),
    }));
    for (const path of ['/', `/${orders.esStore}`]) {
      const response = await fetch(`${roleless}${path}`, { headers: { authorization: 'Bearer no-roles' } });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'forbidden' });
    }
  });
});

describe('service-orders for provider staff', () => {
  it.each(['provider-admin', 'technician'] as const)(
    'when %s reads an order, then 404 until it is assigned to their provider, then 200',
    async (user) => {
      const bearer = await identity.bearer(user);
      const mine = await sellPyxis('pyxis-created');
      const theirs = await sellPyxis('pyxis-created');
      await db.query('UPDATE orders.service_orders SET provider_id = $2 WHERE id = $1', [theirs, randomUUID()]);

      expect((await get(`/${mine}`, bearer)).status).toBe(404);
      expect(ids(await listAll(bearer))).not.toContain(mine);

      await db.query('UPDATE orders.service_orders SET provider_id = $2 WHERE id = $1', [mine, DEV_PROVIDER_ID]);
      expect(await get(`/${mine}`, bearer)).toMatchObject({ status: 200, body: { id: mine, providerId: DEV_PROVIDER_ID } });
      const items = await listAll(bearer);
      expect(ids(items)).toContain(mine);
      expect(items.every((i) => i.providerId === DEV_PROVIDER_ID)).toBe(true);

      expect((await get(`/${theirs}`, bearer)).status).toBe(404);
      expect(ids(items)).not.toContain(theirs);
    },
  );
});
