import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_B_ID } from '../../mesh/oidc/users';
import { TECH_1, TECH_2 } from '../../test/support/wcf';
import { startWcfHarness } from './testing';

const h = await startWcfHarness();
const { db, call } = h;

/** A worked order whose customer made reserves, with a re-work round of them given to a provider (1111 unless told). */
async function roundOf(options: { providerId?: string; reserves?: number; status?: 'open' | 'lifted' } = {}) {
  const { order, formId } = await h.openForm({ form: { status: 'signed', answer: 'accepted-with-reserves' } });
  const rework = await h.seedRework(order.id, formId, { providerId: options.providerId, reserves: options.reserves, status: options.status });
  return { order, formId, rework };
}

const reserve = async (id: string) =>
  (await db.query('SELECT status, lifted_by, lifted_note, lifted_photo_refs, lifted_at IS NOT NULL AS lifted FROM wcf.reserves WHERE id = $1', [id])).rows[0];
const roundStatus = async (id: string) => (await db.query<{ status: string }>('SELECT status FROM wcf.reworks WHERE id = $1', [id])).rows[0]?.status;

describe('wcf POST /reserves/:id/lift', () => {
  it('when the technician lifts a reserve that is not the last, then it is lifted by them and the round stays open, no message', async () => {
    const { rework } = await roundOf();
    const [first] = rework.reserveIds;
    const answer = await call('POST', `/reserves/${first}/lift`, 'technician', { note: 'Door replaced', photoRefs: ['uploads/after-1.jpg'] });
    expect(answer).toMatchObject({
      status: 200,
      body: { reserveId: first, seq: 1, status: 'lifted', liftedBy: TECH_1, rework: { id: rework.id, status: 'open', openReserves: 1 } },
    });
    expect(await reserve(first!)).toEqual({
      status: 'lifted',
      lifted_by: TECH_1,
      lifted_note: 'Door replaced',
      lifted_photo_refs: ['uploads/after-1.jpg'],
      lifted: true,
    });
    expect(await roundStatus(rework.id)).toBe('open');
    expect(await h.messagesFor(rework.id)).toEqual([]);
  });

  it("when the round's last open reserve is lifted, then the round is lifted and the workflow is told wcf-reserves-lifted", async () => {
    const { rework } = await roundOf();
    const [first, second] = rework.reserveIds;
    expect((await call('POST', `/reserves/${first}/lift`, 'technician', { photoRefs: [] })).status).toBe(200);
    const last = await call('POST', `/reserves/${second}/lift`, 'provider-admin', { photoRefs: ['uploads/after-2.jpg'] });
    expect(last).toMatchObject({ status: 200, body: { liftedBy: TECH_1, rework: { status: 'lifted', openReserves: 0 } } });
    expect(await roundStatus(rework.id)).toBe('lifted');
    expect(await h.messagesFor(rework.id)).toEqual([
      { name: 'wcf-reserves-lifted', correlationKey: rework.id, variables: {}, messageId: `wcf-reserves-lifted:${rework.id}` },
    ]);
  });

  it('when the reserve was already lifted, or its round is no longer open, then 409 and nothing changes', async () => {
    const { rework } = await roundOf({ reserves: 2 });
    const [first] = rework.reserveIds;
    expect((await call('POST', `/reserves/${first}/lift`, 'technician', { note: 'first', photoRefs: [] })).status).toBe(200);
    expect(await call('POST', `/reserves/${first}/lift`, 'technician', { note: 'again', photoRefs: [] })).toMatchObject({
      status: 409,
      body: { reason: 'reserve-not-open' },
    });
    expect(await reserve(first!)).toMatchObject({ lifted_note: 'first' });

    const closed = await roundOf({ status: 'lifted', reserves: 1 });
    expect(await call('POST', `/reserves/${closed.rework.reserveIds[0]}/lift`, 'technician', { photoRefs: [] })).toMatchObject({
      status: 409,
      body: { reason: 'rework-not-open' },
    });
  });

  it("when another provider's staff lift the reserve, then 404 and it stays open; an operator 403, nobody 401", async () => {
    const { rework } = await roundOf({ providerId: DEV_PROVIDER_B_ID, reserves: 1 });
    const path = `/reserves/${rework.reserveIds[0]}/lift`;
    for (const user of ['technician', 'provider-admin', 'technician-fr'] as const) {
      expect(await call('POST', path, user, { photoRefs: [] })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
    expect((await call('POST', path, 'operator-es', { photoRefs: [] })).status).toBe(403);
    expect((await call('POST', path, undefined, { photoRefs: [] })).status).toBe(401);
    expect(await reserve(rework.reserveIds[0]!)).toMatchObject({ status: 'open' });
    expect(await call('POST', path, 'technician-b', { photoRefs: [] })).toMatchObject({ status: 200, body: { liftedBy: TECH_2 } });
  });

  it('when the reserve is in no re-work round, or does not exist, then 404', async () => {
    const { formId, order } = await h.openForm({ form: { status: 'answered', answer: 'accepted-with-reserves' } });
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO wcf.reserves (form_id, service_order_id, seq, origin, description, location) VALUES ($1, $2, 1, 'customer', 'Scratch', 'Hall') RETURNING id`,
      [formId, order.id],
    );
    expect((await call('POST', `/reserves/${rows[0]!.id}/lift`, 'technician', { photoRefs: [] })).status).toBe(404);
    expect((await call('POST', `/reserves/${randomUUID()}/lift`, 'technician', { photoRefs: [] })).status).toBe(404);
  });

  it.each([
    ['no photoRefs', {}, 'photoRefs'],
    ['more than 10 photos', { photoRefs: Array.from({ length: 11 }, (_, i) => `p${i}.jpg`) }, 'photoRefs'],
  ])('when the body has %s, then 400 naming the field', async (_case, body, field) => {
    const { rework } = await roundOf({ reserves: 1 });
    const answer = await call('POST', `/reserves/${rework.reserveIds[0]}/lift`, 'technician', body);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
  });

  it('when the reserve id is not a UUID, then 400 naming params.id', async () => {
    const answer = await call('POST', '/reserves/nope/lift', 'technician', { photoRefs: [] });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'params.id' })]);
  });
});
