import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_PROVIDER_FR_ID } from '../../mesh/oidc/users';
import { startWarranties } from '../../shared/domain/warranties';
import { startWcfHarness, type Json } from './testing';

const h = await startWcfHarness();
const { db, call } = h;
const TECH_3 = '7e000000-0000-4000-8000-000000000003';
const at = (day: number) => new Date(Date.UTC(2099, 0, day, 12));
const s = { esOrder: '', frOrder: '', es: '', esRejected: '', fr: '', esStore: '', esBu: '' };

beforeAll(async () => {
  const es = await h.openForm({ form: { createdAt: at(2) } });
  const rejected = await h.openForm({ form: { status: 'answered', answer: 'rejected', createdAt: at(3) } });
  const fr = await h.openForm({ fixture: 'pyxis-created-fr-store', providerId: DEV_PROVIDER_FR_ID, technicianId: TECH_3, form: { createdAt: at(4) } });
  Object.assign(s, { esOrder: es.order.id, frOrder: fr.order.id, es: es.formId, esRejected: rejected.formId, fr: fr.formId });
  const { rows } = await db.query<{ store_id: string; business_unit_id: string }>(
    'SELECT store_id, business_unit_id FROM orders.service_orders WHERE id = $1',
    [s.esOrder],
  );
  s.esStore = rows[0]!.store_id;
  s.esBu = rows[0]!.business_unit_id;
});

const ids = (answer: { body: Json }) => (answer.body.items as Json[]).map((f) => f.id);

describe('wcf GET /forms', () => {
  it("when operator-es lists the forms, then the tenant's newest first, a page at a time, never another country's", async () => {
    const first = await call('GET', '/forms?limit=1', 'operator-es');
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual([s.esRejected]);
    expect((first.body.items as Json[])[0]).toMatchObject({
      serviceOrderId: expect.any(String) as unknown,
      order: { country: 'ES', businessUnit: 'ES-CENTRO', store: 'ES-MAD-0042' },
      kind: 'closing',
      status: 'answered',
      answer: 'rejected',
      rejectionReason: 'Not what was sold',
    });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call('GET', `/forms?limit=1&cursor=${String(first.body.nextCursor)}`, 'operator-es');
    expect(ids(next)).toEqual([s.es]);
    const all = await call('GET', '/forms?limit=100', 'operator-es');
    expect(ids(all)).not.toContain(s.fr);
  });

  it('when filtered by status, answer, kind, store, business unit or country, then only the matching forms', async () => {
    const rejectedInStore = await call('GET', `/forms?status=answered&answer=rejected&storeId=${s.esStore}&businessUnitId=${s.esBu}`, 'operator-es');
    expect(ids(rejectedInStore)).toContain(s.esRejected);
    expect(ids(rejectedInStore)).not.toContain(s.es);
    expect(ids(await call('GET', '/forms?kind=lifting', 'operator-es'))).not.toContain(s.es);
    const french = await call('GET', '/forms?country=FR', 'admin');
    expect(ids(french)).toContain(s.fr);
    expect(ids(french)).not.toContain(s.es);
    expect(ids(await call('GET', `/forms?serviceOrderId=${s.esOrder}`, 'operator-es'))).toContain(s.es);
    expect(ids(await call('GET', `/forms?serviceOrderId=${s.esOrder}`, 'operator-es'))).not.toContain(s.esRejected);
    const notAnId = await call('GET', '/forms?serviceOrderId=abc', 'operator-es');
    expect(notAnId.status).toBe(400);
    expect(JSON.stringify(notAnId.body)).toContain('serviceOrderId');
  });

  it('when operators of other tenants list, then they see their own only; provider staff 403, nobody 401', async () => {
    for (const user of ['operator-fr', 'operator-fr-rhone'] as const) {
      const page = await call('GET', '/forms?limit=100', user);
      expect(ids(page)).toContain(s.fr);
      expect(ids(page)).not.toContain(s.es);
    }
    expect(ids(await call('GET', '/forms?limit=100', 'operator-it'))).not.toContain(s.es);
    expect((await call('GET', '/forms', 'technician')).status).toBe(403);
    expect((await call('GET', '/forms', 'provider-admin')).status).toBe(403);
    expect((await call('GET', '/forms', undefined)).status).toBe(401);
  });

  it.each([
    ['status=closed', 'query.status'],
    ['cursor=nope', 'query.cursor'],
    ['storeId=ES-MAD-0042', 'query.storeId'],
  ])('when the query has %s, then 400 naming %s', async (query, field) => {
    const answer = await call('GET', `/forms?${query}`, 'operator-es');
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
  });
});

describe('wcf GET /forms/:id', () => {
  it('when operator-es reads a form, then its order, reserves, re-work rounds, disputes, documents and agreement status', async () => {
    const order = await h.workedOrder();
    const { formId, agreementId } = await h.sentForm(order, { answer: 'accepted-with-reserves' });
    const rework = await h.seedRework(order.id, formId, { reserves: 1 });
    await db.query(
      `INSERT INTO wcf.disputes (service_order_id, form_id, reason, opened_by, opened_at) VALUES ($1, $2, 'Customer unreachable', 'op-es-0001', NOW())`,
      [order.id, formId],
    );
    await db.query(
      `INSERT INTO wcf.documents (form_id, kind, object_key, sha256, size_bytes, content_type, agreement_id) VALUES ($1, 'sent', $2, $3, 1234, 'application/pdf', $4)`,
      [formId, `wcf/${formId}/sent.pdf`, 'a'.repeat(64), agreementId],
    );
    const answer = await call('GET', `/forms/${formId}`, 'operator-es');
    expect(answer).toMatchObject({
      status: 200,
      body: {
        id: formId,
        order: { salesOrderId: order.salesOrderId, country: 'ES' },
        status: 'out-for-signature',
        agreementId,
        agreementStatus: 'OUT_FOR_SIGNATURE',
        reserves: [{ seq: 1, status: 'open', reworkId: rework.id, location: 'Kitchen, north wall', photoRefs: ['photos/r1.jpg'] }],
        reworks: [{ id: rework.id, round: 1, status: 'open', origin: 'reserves' }],
        disputes: [{ reason: 'Customer unreachable', status: 'open', openedBy: 'op-es-0001' }],
        documents: [{ kind: 'sent', sizeBytes: 1234, contentType: 'application/pdf', agreementId }],
      },
    });
  });

  it("when another tenant's operator, provider staff or nobody reads it, then 404, 403 and 401; not a UUID, 400 naming params.id", async () => {
    for (const user of ['operator-fr', 'operator-it'] as const) expect((await call('GET', `/forms/${s.es}`, user)).status).toBe(404);
    expect((await call('GET', `/forms/${s.fr}`, 'operator-fr-rhone')).status).toBe(200);
    expect((await call('GET', `/forms/${randomUUID()}`, 'operator-es')).status).toBe(404);
    expect((await call('GET', `/forms/${s.es}`, 'technician')).status).toBe(403);
    expect((await call('GET', `/forms/${s.es}`, undefined)).status).toBe(401);
    expect((await call('GET', '/forms/nope', 'operator-es')).body.issues).toEqual([expect.objectContaining({ field: 'params.id' })]);
  });
});

describe('wcf GET /orders/:orderId/warranties', () => {
  it('when the work was accepted, then each warranty with its legal source, dates, whether it runs and the days left', async () => {
    const { order, formId } = await h.openForm({ form: { status: 'signed', answer: 'accepted' } });
    await startWarranties(db, { serviceOrderId: order.id, acceptedOn: '2027-03-01', formId });
    h.setNow(new Date('2027-06-01T09:00:00Z'));
    try {
      const answer = await call('GET', `/orders/${order.id}/warranties`, 'operator-es');
      expect(answer).toMatchObject({ status: 200, body: { serviceOrderId: order.id, today: '2027-06-01' } });
      expect(answer.body.items).toEqual([
        {
          code: 'acabado',
          name: 'Garantía de defectos de acabado',
          legalSource: 'Ley 38/1999 de Ordenación de la Edificación (LOE) art. 17.1 b',
          startsOn: '2027-03-01',
          endsOn: '2028-03-01',
          running: true,
          daysLeft: 274,
          reportingWindowDays: null,
        },
      ]);
    } finally {
      h.setNow(undefined);
    }
  });

  it("when the order has no warranty yet, then an empty list; another tenant's order 404, provider staff 403, nobody 401, not a UUID 400", async () => {
    expect(await call('GET', `/orders/${s.esOrder}/warranties`, 'operator-es')).toMatchObject({ status: 200, body: { items: [] } });
    expect((await call('GET', `/orders/${s.esOrder}/warranties`, 'operator-fr')).status).toBe(404);
    expect((await call('GET', `/orders/${s.frOrder}/warranties`, 'operator-es')).status).toBe(404);
    expect((await call('GET', `/orders/${s.esOrder}/warranties`, 'technician')).status).toBe(403);
    expect((await call('GET', `/orders/${s.esOrder}/warranties`, undefined)).status).toBe(401);
    expect((await call('GET', '/orders/nope/warranties', 'operator-es')).body.issues).toEqual([expect.objectContaining({ field: 'params.orderId' })]);
  });
});
