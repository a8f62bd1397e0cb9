import { describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { productMappingsFunction } from './function';

const db = useTestDb();
const identity = await useDevIdentity();
const url = await startFunction('product-mappings', productMappingsFunction({ db, authenticator: identity.authenticator, logger: memoryLogger() }));

async function put(system: string, code: string, body: unknown, user: 'admin' | 'operator-es' | null = 'admin') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user) headers.authorization = await identity.bearer(user);
  const response = await fetch(`${url}/${system}/${encodeURIComponent(code)}`, { method: 'PUT', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function mappedTo(system: string, code: string) {
  const { rows } = await db.query<{ service_product_code: string }>(
    'SELECT service_product_code FROM orders.product_code_mappings WHERE sales_system = $1 AND sales_product_code = $2',
    [system, code],
  );
  return rows.map((r) => r.service_product_code);
}

describe('product-mappings PUT /{salesSystem}/{salesProductCode}', () => {
  it("when an admin maps a new product code, then order-intake's mapping exists; the same mapping again is answered the same and changes nothing", async () => {
    const code = `PYX-SRV-NEW-${unique()}`;
    expect(await put('PYXIS', code, { serviceProductCode: 'WORKTOP_INSTALL' })).toEqual({
      status: 200,
      body: { salesSystem: 'PYXIS', salesProductCode: code, serviceProductCode: 'WORKTOP_INSTALL', created: true },
    });
    expect(await mappedTo('PYXIS', code)).toEqual(['WORKTOP_INSTALL']);

    expect(await put('PYXIS', code, { serviceProductCode: 'WORKTOP_INSTALL' })).toEqual({
      status: 200,
      body: { salesSystem: 'PYXIS', salesProductCode: code, serviceProductCode: 'WORKTOP_INSTALL', created: false },
    });
    expect(await mappedTo('PYXIS', code)).toEqual(['WORKTOP_INSTALL']);
  });

  it('when the code is already mapped to another product, then 409 mapping-conflict and the mapping stays', async () => {
    expect(await put('PYXIS', 'PYX-SRV-KIT-STD', { serviceProductCode: 'WORKTOP_INSTALL' })).toMatchObject({
      status: 409,
      body: { reason: 'mapping-conflict', message: expect.stringContaining('already mapped to KITCHEN_INSTALL_STD') as unknown },
    });
    expect(await mappedTo('PYXIS', 'PYX-SRV-KIT-STD')).toEqual(['KITCHEN_INSTALL_STD']);
  });

  it('when serviceProductCode is missing, then 400 naming serviceProductCode', async () => {
    expect(await put('PYXIS', `X-${unique()}`, {})).toMatchObject({
      status: 400,
      body: { issues: [expect.objectContaining({ field: 'serviceProductCode' })] },
    });
  });

  it('when the service product or the sales system is unknown, then 400 naming each and nothing is stored', async () => {
    const code = `X-${unique()}`;
    expect(await put('PYXIS', code, { serviceProductCode: 'NO_SUCH_PRODUCT' })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'serviceProductCode', message: 'no service product NO_SUCH_PRODUCT in the catalogue' }] },
    });
    expect(await put('NOSUCH', code, { serviceProductCode: 'WORKTOP_INSTALL' })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'params.salesSystem', message: 'no sales system NOSUCH' }] },
    });
    expect(await put('pyxis', code, { serviceProductCode: 'WORKTOP_INSTALL' })).toMatchObject({
      status: 400,
      body: { issues: [expect.objectContaining({ field: 'params.salesSystem' })] },
    });
    expect(await mappedTo('PYXIS', code)).toEqual([]);
  });

  it('when an operator asks, then 403; without a token, then 401; nothing is stored', async () => {
    const code = `X-${unique()}`;
    expect((await put('PYXIS', code, { serviceProductCode: 'WORKTOP_INSTALL' }, 'operator-es')).status).toBe(403);
    expect((await put('PYXIS', code, { serviceProductCode: 'WORKTOP_INSTALL' }, null)).status).toBe(401);
    expect(await mappedTo('PYXIS', code)).toEqual([]);
  });
});

describe('product-mappings GET /', () => {
  it("when an admin lists a sales system's mappings, then each is there with its product; an operator gets 403", async () => {
    const response = await fetch(`${url}/?salesSystem=TEMPO`, { headers: { authorization: await identity.bearer('admin') } });
    const { items } = (await response.json()) as { items: { salesSystem: string; salesProductCode: string; serviceProductCode: string }[] };
    expect(items).toContainEqual({ salesSystem: 'TEMPO', salesProductCode: 'TMP-SVC-KIT-STD', serviceProductCode: 'KITCHEN_INSTALL_STD' });
    expect(items.every((i) => i.salesSystem === 'TEMPO')).toBe(true);
    expect((await fetch(url, { headers: { authorization: await identity.bearer('operator-es') } })).status).toBe(403);
  });
});
