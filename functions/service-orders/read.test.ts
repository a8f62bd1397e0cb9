import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import { unique } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { fixedAuthenticator } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { serviceOrdersFunction } from './function';
import { startServiceOrdersHarness } from './testing';

const h = await startServiceOrdersHarness();
const { db, identity, sellPyxis, get, listAll, ids } = h;
const orders = { esStore: '', esOnline: '', esCancelled: '', frStore: '', frPhone: '', itOnline: '' };
beforeAll(async () => {
  Object.assign(orders, await h.seedOrders());
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
      installation: { status: 'awaiting-tv', contract: 'awaiting-signature' },
      linkedServiceOrderIds: [],
      salesOrderMetadata: { sellerId: 'V-10442' },
    });
    expect(answer.body.lines).toEqual([
      expect.objectContaining({
        lineNo: 1,
        serviceProductCode: 'KITCHEN_INSTALL_STD',
        salesProductCode: 'PYX-SRV-KIT-STD',
        quantity: 1,
        unitPriceMinor: 129000,
        currency: 'EUR',
      }),
      expect.objectContaining({
        lineNo: 2,
        serviceProductCode: 'WORKTOP_INSTALL',
        salesProductCode: 'PYX-SRV-KIT-WORKTOP',
        quantity: 1,
        unitPriceMinor: 24000,
        currency: 'EUR',
      }),
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

  it("when a linked order lies outside the caller's business unit, then it is not named", async () => {
    const suffix = unique();
    const lyon = await sellPyxis('pyxis-created-fr-store', () => undefined, suffix);
    const paris = await sellPyxis('pyxis-created-fr-phone', (o) => Object.assign(o, { storeCode: 'FR-PAR-0101' }), suffix);
    expect((await get(`/${lyon}`, await identity.bearer('operator-fr'))).body.linkedServiceOrderIds).toEqual([paris]);
    const rhone = await get(`/${lyon}`, await identity.bearer('operator-fr-rhone'));
    expect(rhone).toMatchObject({ status: 200, body: { id: lyon, linkedServiceOrderIds: [] } });
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

  it('when the id has a malformed percent-encoding, then 400 in JSON naming the path', async () => {
    const answer = await get('/%E0%A4%A', await identity.bearer('admin'));
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input', message: 'invalid path /%E0%A4%A: malformed percent-encoding' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'path' })]);
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
    const roleless = await startFunction(
      'service-orders',
      serviceOrdersFunction({
        db,
        authenticator: fixedAuthenticator('no-roles', nobody),
        logger: memoryLogger(),
      }),
    );
    for (const path of ['/', `/${orders.esStore}`]) {
      const response = await fetch(`${roleless}${path}`, { headers: { authorization: 'Bearer no-roles' } });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'forbidden' });
    }
  });
});

describe('service-orders for provider staff', () => {
  it.each(['provider-admin', 'technician'] as const)('when %s reads an order, then 404 until it is assigned to their provider, then 200', async (user) => {
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
  });
});
