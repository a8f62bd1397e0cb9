import { describe, expect, it } from 'vitest';
import { startClaimsHarness } from './testing';

const h = await startClaimsHarness();
const { db, call } = h;

const body = { findings: 'The sink trap joint was not sealed', recommendation: 'repair', photoRefs: ['uploads/expert/joint.jpg'] };
const claimOf = async (id: string) =>
  (await db.query('SELECT status, findings, recommendation, photo_refs FROM claims.claims WHERE id = $1', [id])).rows[0] as Record<string, unknown>;

describe('claims POST /:id/findings', () => {
  it("when the expert visit's assigned technician records findings, then the claim is deciding, its history grows and the workflow is told", async () => {
    const order = await h.claimableOrder();
    const claimId = await h.seedClaim(order.id, { status: 'investigating' });
    await db.query(`UPDATE claims.claims SET photo_refs = '["uploads/customer/leak.jpg"]' WHERE id = $1`, [claimId]);
    const { seedExpertOrder } = await import('../../test/support/claims');
    const expert = await seedExpertOrder(db, claimId, order.id);
    const answer = await call('POST', `/${claimId}/findings`, 'technician-b', body);
    expect(answer).toMatchObject({
      status: 200,
      body: { id: claimId, status: 'deciding', findings: body.findings, recommendation: 'repair', expertOrderId: expert.orderId },
    });
    expect(await claimOf(claimId)).toEqual({
      status: 'deciding',
      findings: body.findings,
      recommendation: 'repair',
      photo_refs: ['uploads/customer/leak.jpg', 'uploads/expert/joint.jpg'],
    });
    expect(await h.historyOf(claimId)).toEqual([{ actor: 'tech-0002', action: 'findings-recorded', detail: { recommendation: 'repair' } }]);
    expect(await h.messagesFor(claimId)).toEqual([
      { name: 'claim-findings-recorded', correlationKey: claimId, variables: { recommendation: 'repair' }, messageId: `claim-findings:${claimId}` },
    ]);
  });

  it("when a provider admin of the expert's provider records them, then they are recorded; a retry with the same key is replayed", async () => {
    const { claimId } = await h.investigatedClaim();
    const first = await call('POST', `/${claimId}/findings`, 'provider-admin-b', { findings: 'Nothing wrong', recommendation: 'reject' }, 'expert-key-1');
    expect(first).toMatchObject({ status: 200, body: { status: 'deciding', recommendation: 'reject', photoRefs: [] } });
    const again = await call('POST', `/${claimId}/findings`, 'provider-admin-b', { findings: 'Nothing wrong', recommendation: 'reject' }, 'expert-key-1');
    expect(again).toMatchObject({ status: 200, replayed: true });
    expect(await h.messagesFor(claimId)).toHaveLength(1);
  });

  it('when staff of another provider (the original one included), an operator or nobody records them, then 404, 403, 401 and nothing changes', async () => {
    const { claimId } = await h.investigatedClaim();
    expect((await call('POST', `/${claimId}/findings`, 'technician', body)).status).toBe(404);
    expect((await call('POST', `/${claimId}/findings`, 'provider-admin', body)).status).toBe(404);
    expect((await call('POST', `/${claimId}/findings`, 'technician-fr', body)).status).toBe(404);
    expect((await call('POST', `/${claimId}/findings`, 'operator-es', body)).status).toBe(403);
    expect((await call('POST', `/${claimId}/findings`, undefined, body)).status).toBe(401);
    expect(await claimOf(claimId)).toMatchObject({ status: 'investigating', findings: null });
    expect(await h.historyOf(claimId)).toEqual([]);
    expect(await h.messagesFor(claimId)).toEqual([]);
  });

  it('when the claim is not investigating or its findings are in, then 409 and nothing changes', async () => {
    const order = await h.claimableOrder();
    const received = await h.seedClaim(order.id);
    const { seedExpertOrder } = await import('../../test/support/claims');
    await seedExpertOrder(h.db, received, order.id);
    expect(await call('POST', `/${received}/findings`, 'technician-b', body)).toMatchObject({ status: 409, body: { reason: 'claim-not-investigating' } });
    expect(await claimOf(received)).toMatchObject({ status: 'received', findings: null });

    const { claimId } = await h.investigatedClaim();
    expect((await call('POST', `/${claimId}/findings`, 'technician-b', body)).status).toBe(200);
    const twice = await call('POST', `/${claimId}/findings`, 'technician-b', { ...body, recommendation: 'refund' });
    expect(twice).toMatchObject({ status: 409, body: { reason: 'claim-findings-recorded' } });
    expect(await claimOf(claimId)).toMatchObject({ recommendation: 'repair' });
    expect(await h.messagesFor(claimId)).toHaveLength(1);
  });

  it.each([
    [{ findings: '', recommendation: 'repair' }, 'findings'],
    [{ findings: 'Seen', recommendation: 'replace' }, 'recommendation'],
    [{ findings: 'Seen', recommendation: 'repair', photoRefs: ['two words.jpg'] }, 'photoRefs.0'],
  ])('when the body is %j, then 400 naming %s', async (invalid, field) => {
    const { claimId } = await h.investigatedClaim();
    const answer = await call('POST', `/${claimId}/findings`, 'technician-b', invalid);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
    expect(await claimOf(claimId)).toMatchObject({ status: 'investigating' });
  });
});
