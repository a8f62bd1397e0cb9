import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFunction } from '../../test/support/function-server';
import { fixedAuthenticator } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { contractsFunction } from './function';
import { pdf, startContractsHarness } from './testing';

const h = await startContractsHarness();
const { identity, call } = h;
const seeded = { order: '', frOrder: '', older: '', current: '', frContract: '', signedDoc: '', auditDoc: '' };

beforeAll(async () => {
  seeded.order = (await h.sell('pyxis-created')).id;
  seeded.frOrder = (await h.sell('pyxis-created-fr-store')).id;
  seeded.older = await h.seedContract(seeded.order, { status: 'recalled', createdAt: new Date(Date.now() - 86_400_000) });
  seeded.current = await h.seedContract(seeded.order, { status: 'signed', agreement: { id: `AGR-${randomUUID()}` } });
  seeded.signedDoc = (await h.seedDocument(seeded.current, { kind: 'signed', bytes: pdf('signed contract') })).id;
  seeded.auditDoc = (await h.seedDocument(seeded.current, { kind: 'audit-trail', bytes: pdf('audit trail'), retentionClass: 'audit-10y' })).id;
  seeded.frContract = await h.seedContract(seeded.frOrder);
});

describe('contracts GET /orders/:orderId', () => {
  it("when operator-es lists an ES order's contracts, then 200 with every contract, newest first, with amounts and documents", async () => {
    const answer = await call('GET', `/orders/${seeded.order}`, await identity.bearer('operator-es'));
    expect(answer.status).toBe(200);
    const items = answer.body.items as Record<string, unknown>[];
    expect(items.map((c) => c.id)).toEqual([seeded.current, seeded.older]);
    expect(items[0]).toMatchObject({
      status: 'signed',
      language: 'es',
      currency: 'EUR',
      amounts: { listPriceMinor: 148000, channelAdjustmentMinor: -7650, tvExtraCostMinor: 5000, totalMinor: 145350 },
      approvalRequired: false,
      phoneAuth: true,
      attempt: 1,
      signatureMethod: 'e-signature',
      signedAt: '2027-01-11T10:00:00.000Z',
    });
    expect(items[0]!.documents).toEqual([
      expect.objectContaining({
        id: seeded.signedDoc,
        kind: 'signed',
        contentType: 'application/pdf',
        retentionClass: 'contract-10y',
        sizeBytes: pdf('signed contract').length,
      }),
      expect.objectContaining({ id: seeded.auditDoc, kind: 'audit-trail', retentionClass: 'audit-10y' }),
    ]);
    expect(items[1]).toMatchObject({ status: 'recalled', agreementId: null, documents: [] });
  });

  it("when operator-fr or operator-it lists an ES order's contracts, then 404 as if the order did not exist", async () => {
    for (const user of ['operator-fr', 'operator-it'] as const) {
      expect(await call('GET', `/orders/${seeded.order}`, await identity.bearer(user))).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
  });

  it('when the order has no contract, then an empty list; when it does not exist, then 404; not a UUID, then 400 naming params.orderId', async () => {
    const bare = (await h.sell('pyxis-created')).id;
    const bearer = await identity.bearer('operator-es');
    expect(await call('GET', `/orders/${bare}`, bearer)).toMatchObject({ status: 200, body: { items: [] } });
    expect((await call('GET', `/orders/${randomUUID()}`, bearer)).status).toBe(404);
    const bad = await call('GET', '/orders/nope', bearer);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ field: 'params.orderId' })]);
  });
});

describe('contracts GET /:contractId', () => {
  it('when operator-es reads a contract, then 200 with its documents and its audit trail as data, never an email', async () => {
    const agreementId = `AGR-${randomUUID()}`;
    const order = (await h.sell('pyxis-created')).id;
    const contract = await h.seedContract(order, { status: 'signed', agreement: { id: agreementId } });
    await h.seedEvent(contract, { agreementId, seq: 1, type: 'CREATED', occurredAt: new Date('2027-01-10T09:00:00Z'), participantRole: 'SENDER' });
    await h.seedEvent(contract, {
      agreementId,
      seq: 2,
      type: 'ESIGNED',
      occurredAt: new Date('2027-01-11T10:00:00Z'),
      email: 'lucia.garcia@example.es',
      participantRole: 'SIGNER',
      ipAddress: '83.44.12.7',
      authenticationMethod: 'PHONE',
      description: 'Document e-signed by the customer',
    });
    const answer = await call('GET', `/${contract}`, await identity.bearer('operator-es'));
    expect(answer).toMatchObject({ status: 200, body: { id: contract, serviceOrderId: order, status: 'signed', agreementId, documents: [] } });
    expect(answer.body.auditTrail).toEqual([
      {
        agreementId,
        type: 'CREATED',
        occurredAt: '2027-01-10T09:00:00.000Z',
        participantRole: 'SENDER',
        ipAddress: null,
        authenticationMethod: null,
        description: null,
      },
      {
        agreementId,
        type: 'ESIGNED',
        occurredAt: '2027-01-11T10:00:00.000Z',
        participantRole: 'SIGNER',
        ipAddress: '83.44.12.7',
        authenticationMethod: 'PHONE',
        description: 'Document e-signed by the customer',
      },
    ]);
    expect(JSON.stringify(answer.body)).not.toMatch(/@|lucia/i);
  });

  it("when operator-es reads an FR contract, then 404; operator-fr reads it, then 200; operator-fr-rhone (Lyon's business unit), then 200", async () => {
    expect(await call('GET', `/${seeded.frContract}`, await identity.bearer('operator-es'))).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await call('GET', `/${seeded.frContract}`, await identity.bearer('operator-fr'))).toMatchObject({ status: 200, body: { id: seeded.frContract } });
    expect((await call('GET', `/${seeded.frContract}`, await identity.bearer('operator-fr-rhone'))).status).toBe(200);
  });

  it('when admin reads contracts of ES and FR, then 200; an unknown contract, then 404', async () => {
    const bearer = await identity.bearer('admin');
    for (const id of [seeded.current, seeded.frContract]) expect((await call('GET', `/${id}`, bearer)).status).toBe(200);
    expect((await call('GET', `/${randomUUID()}`, bearer)).status).toBe(404);
  });
});

describe('contracts authentication and roles', () => {
  it('when there is no token, then 401 on every route', async () => {
    for (const [method, pathname] of [
      ['GET', `/orders/${seeded.order}`],
      ['GET', `/${seeded.current}`],
      ['GET', `/${seeded.current}/documents/${seeded.signedDoc}`],
      ['POST', `/${seeded.current}/recall`],
      ['POST', `/${seeded.current}/paper-scan`],
    ] as const) {
      expect(await call(method, pathname)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    }
  });

  it.each(['technician', 'provider-admin'] as const)('when %s calls, then 403', async (user) => {
    const bearer = await identity.bearer(user);
    expect((await call('GET', `/orders/${seeded.order}`, bearer)).status).toBe(403);
    expect((await call('GET', `/${seeded.current}`, bearer)).status).toBe(403);
    expect((await call('POST', `/${seeded.current}/recall`, bearer, { comment: 'no' })).status).toBe(403);
  });

  it('when the caller has no role at all, then 403', async () => {
    const nobody = { subject: 'nobody-0001', roles: [], scope: { countries: ['*'], businessUnits: [], stores: [], providerId: null } };
    const url = await startFunction(
      'contracts',
      contractsFunction({ db: h.db, authenticator: fixedAuthenticator('no-roles', nobody), logger: memoryLogger(), esign: h.esign, documents: h.documents }),
    );
    const response = await fetch(`${url}/${seeded.current}`, { headers: { authorization: 'Bearer no-roles' } });
    expect(response.status).toBe(403);
  });
});
