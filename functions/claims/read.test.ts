import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_PROVIDER_FR_ID } from '../../mesh/oidc/users';
import { startClaimsHarness, type Json } from './testing';

const h = await startClaimsHarness();
const { db, call } = h;
const TECH_3 = '7e000000-0000-4000-8000-000000000003';
const at = (day: number) => new Date(Date.UTC(2099, 0, day, 12));
const s = { esOrder: '', frOrder: '', received: '', linkDeciding: '', rejected: '', fr: '' };

beforeAll(async () => {
  const es = await h.claimableOrder();
  const fr = await h.claimableOrder({ fixture: 'pyxis-created-fr-store', providerId: DEV_PROVIDER_FR_ID, technicianId: TECH_3 });
  const code = es.warranties[0]!.code;
  Object.assign(s, {
    esOrder: es.id,
    frOrder: fr.id,
    received: await h.seedClaim(es.id, { claimedAt: at(2) }),
    linkDeciding: await h.seedClaim(es.id, {
      claimedAt: at(3),
      openedVia: 'customer-link',
      status: 'deciding',
      entitlement: 'covered',
      warrantyCode: code,
      findings: 'Joint failed',
      recommendation: 'repair',
    }),
    rejected: await h.seedClaim(es.id, {
      claimedAt: at(4),
      status: 'rejected',
      entitlement: 'out-of-warranty',
      decision: 'reject',
      decisionReason: 'Damage caused by the customer',
    }),
    fr: await h.seedClaim(fr.id, { claimedAt: at(5), openedBy: 'op-fr-0001' }),
  });
});

const ids = (answer: { body: Json }) => (answer.body.items as Json[]).map((c) => c.id);

describe('claims GET /', () => {
  it("when operator-es lists the claims, then the tenant's latest claimed first, a page at a time, never another country's", async () => {
    const first = await call('GET', '/?limit=2', 'operator-es');
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual([s.rejected, s.linkDeciding]);
    expect((first.body.items as Json[])[0]).toMatchObject({
      serviceOrderId: s.esOrder,
      orderReference: expect.any(String) as unknown,
      status: 'rejected',
      entitlement: 'out-of-warranty',
      decision: 'reject',
      decisionReason: 'Damage caused by the customer',
      closedAt: expect.any(String) as unknown,
    });
    const next = await call('GET', `/?limit=2&cursor=${String(first.body.nextCursor)}`, 'operator-es');
    expect(ids(next)[0]).toBe(s.received);
    expect(ids(await call('GET', '/?limit=100', 'operator-es'))).not.toContain(s.fr);
    expect(ids(await call('GET', '/?limit=100', 'operator-fr'))).toEqual(expect.arrayContaining([s.fr]));
    expect(ids(await call('GET', '/?limit=100', 'operator-fr'))).not.toContain(s.received);
  });

  it('when filtered, then only the matching claims; country only narrows', async () => {
    const mine = async (query: string, user: 'operator-es' | 'admin' = 'operator-es') =>
      ids(await call('GET', `/?limit=100&${query}`, user)).filter((id) => Object.values(s).includes(id as string));
    expect(await mine('status=received,deciding')).toEqual([s.linkDeciding, s.received]);
    expect(await mine('status=rejected')).toEqual([s.rejected]);
    expect(await mine('entitlement=covered')).toEqual([s.linkDeciding]);
    expect(await mine('openedVia=customer-link')).toEqual([s.linkDeciding]);
    expect(await mine('open=false')).toEqual([s.rejected]);
    expect(await mine('open=true')).toEqual([s.linkDeciding, s.received]);
    expect(await mine('claimedFrom=2099-01-03&claimedTo=2099-01-03')).toEqual([s.linkDeciding]);
    expect(await mine(`serviceOrderId=${s.frOrder}`, 'admin')).toEqual([s.fr]);
    expect(await mine('country=FR')).toEqual([]);
    expect(await mine('country=FR', 'admin')).toEqual([s.fr]);
  });

  it('when provider staff or nobody list, then 403 and 401', async () => {
    expect((await call('GET', '/', 'technician')).status).toBe(403);
    expect((await call('GET', '/', 'provider-admin')).status).toBe(403);
    expect((await call('GET', '/', undefined)).status).toBe(401);
  });

  it.each([
    ['status=received,closed', 'query.status'],
    ['cursor=nope', 'query.cursor'],
    ['claimedFrom=2026-13-01', 'query.claimedFrom'],
    ['open=yes', 'query.open'],
    ['limit=101', 'query.limit'],
  ])('when the query has %s, then 400 naming %s', async (query, field) => {
    const answer = await call('GET', `/?${query}`, 'operator-es');
    expect(answer.status).toBe(400);
    expect((answer.body.issues as { field: string }[])[0]!.field).toContain(field);
  });
});

describe('claims GET /:id', () => {
  it('when operator-es reads a claim, then it comes with its history in order and its approvals', async () => {
    await db.query(
      `INSERT INTO claims.history (claim_id, at, actor, action, detail) VALUES ($1, $2, 'system', 'registered', '{}'), ($1, $3, 'op-es-0001', 'acknowledged', '{}')`,
      [s.linkDeciding, at(3), at(4)],
    );
    await db.query(
      `INSERT INTO claims.approvals (claim_id, level, amount_minor, decision, decided_by) VALUES ($1, 'bu-manager', 60000, 'approved', 'bum-es-0001')`,
      [s.linkDeciding],
    );
    const answer = await call('GET', `/${s.linkDeciding}`, 'operator-es');
    expect(answer).toMatchObject({
      status: 200,
      body: {
        id: s.linkDeciding,
        status: 'deciding',
        openedVia: 'customer-link',
        openedBy: null,
        findings: 'Joint failed',
        recommendation: 'repair',
        history: [
          { actor: 'system', action: 'registered', detail: {} },
          { actor: 'op-es-0001', action: 'acknowledged', detail: {} },
        ],
        approvals: [{ level: 'bu-manager', amountMinor: 60000, decision: 'approved', decidedBy: 'bum-es-0001' }],
      },
    });
  });

  it("when another country's operator, provider staff or nobody reads it, or it does not exist, then 404, 403, 401, 404", async () => {
    expect((await call('GET', `/${s.received}`, 'operator-fr')).status).toBe(404);
    expect((await call('GET', `/${s.received}`, 'technician')).status).toBe(403);
    expect((await call('GET', `/${s.received}`, undefined)).status).toBe(401);
    expect((await call('GET', `/${randomUUID()}`, 'operator-es')).status).toBe(404);
    expect((await call('GET', '/not-an-id', 'operator-es')).status).toBe(400);
    expect((await call('GET', `/${s.fr}`, 'admin')).status).toBe(200);
  });
});
