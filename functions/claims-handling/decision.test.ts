import { describe, expect, it } from 'vitest';
import { claimDecided } from '../../events';
import type { ClaimableOrder } from '../../test/support/claims';
import { claimReference } from '../../shared/domain/claim-history';
import { COVERED, startClaimsHandlingHarness } from './testing';

const h = await startClaimsHandlingHarness();

// A Pyxis ES kitchen accepted on 2026-06-15 (its warranties start that day); most claims are on it.
const es = await h.claimableOrder();

const ES_LIMITS = { currency: 'EUR', operatorRefundLimitMinor: 50_000, buManagerRefundLimitMinor: 500_000 };
const PL_LIMITS = { currency: 'PLN', operatorRefundLimitMinor: 215_000, buManagerRefundLimitMinor: 2_150_000 };

/** A covered claim waiting for the operator's decision (acknowledged, investigated). */
const decidingClaim = (order: ClaimableOrder = es) => h.claimOn(order, { status: 'deciding', ...COVERED(order) });

/** A refund of `amount` decided by op-es-0001 on a claim in deciding. */
async function refundDecided(amount: number, order: ClaimableOrder = es) {
  const claim = await decidingClaim(order);
  const answer = await claim.run('claim-record-decision', { decision: 'refund', refundAmountMinor: amount, completedBy: 'op-es-0001' });
  expect(answer.status).toBe(200);
  return claim;
}

describe('claims-handling: claim-record-decision', () => {
  it("when the operator refunds within their own limit, then the operator's decision is the approval and the claim stays deciding", async () => {
    const { claimId, run } = await decidingClaim();
    const decide = () => run('claim-record-decision', { decision: 'refund', refundAmountMinor: 30_000, completedBy: 'op-es-0001' });
    const first = await decide();
    expect(first).toEqual({ status: 200, body: { variables: { approvalLevel: 'none', refundAmountMinor: 30_000, ...ES_LIMITS } } });
    expect(await decide()).toEqual(first);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'deciding', decision: 'refund', refund_amount_minor: 30_000, currency: 'EUR' });
    expect(await h.approvalsOf(claimId)).toEqual([{ level: 'operator', amount_minor: 30_000, decision: 'approved', comment: null, decided_by: 'op-es-0001' }]);
    expect(await h.historyOf(claimId)).toEqual([
      { actor: 'op-es-0001', action: 'decided', detail: { decision: 'refund', refundAmountMinor: 30_000, currency: 'EUR', approvalChain: [] } },
    ]);
  });

  it("when the refund is exactly the operator's limit, then no one else approves it", async () => {
    const { claimId, run } = await decidingClaim();
    expect((await run('claim-record-decision', { decision: 'refund', refundAmountMinor: 50_000, completedBy: 'op-es-0001' })).body).toMatchObject({
      variables: { approvalLevel: 'none' },
    });
    expect(await run('claim-refund')).toEqual({ status: 200, body: { variables: {} } });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'refunded' });
    expect((await h.decidedEventsOf(es.id, claimId))[0]).toMatchObject({ approvals: [{ level: 'operator', decidedBy: 'op-es-0001' }] });
  });

  it('when the refund is above the operator limit, then it awaits the BU manager', async () => {
    const { claimId, run } = await decidingClaim();
    const answer = await run('claim-record-decision', { decision: 'refund', refundAmountMinor: 300_000, completedBy: 'op-es-0001' });
    expect(answer).toEqual({ status: 200, body: { variables: { approvalLevel: 'bu-manager', refundAmountMinor: 300_000, ...ES_LIMITS } } });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'awaiting-approval', decision: 'refund', refund_amount_minor: 300_000 });
    expect((await h.historyOf(claimId))[0]!.detail).toMatchObject({ approvalChain: ['bu-manager'] });
  });

  it('when the refund is above the BU manager limit, then it awaits the BU manager then the country director', async () => {
    const { claimId, run } = await decidingClaim();
    const answer = await run('claim-record-decision', { decision: 'refund', refundAmountMinor: 800_000, completedBy: 'op-es-0001' });
    expect(answer.body).toEqual({ variables: { approvalLevel: 'bu-manager', refundAmountMinor: 800_000, ...ES_LIMITS } });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'awaiting-approval' });
    expect(await h.historyOf(claimId)).toEqual([
      {
        actor: 'op-es-0001',
        action: 'decided',
        detail: { decision: 'refund', refundAmountMinor: 800_000, currency: 'EUR', approvalChain: ['bu-manager', 'country-director'] },
      },
    ]);
  });

  it("when a Polish claim is refunded, then the amount is in PLN against Poland's limits", async () => {
    const pl = await h.claimableOrder({ fixture: 'tempo-created-pl' });
    expect(pl.countryCode).toBe('PL');
    // PLN 2,000.00: above Spain's operator limit, within Poland's.
    const small = await decidingClaim(pl);
    expect((await small.run('claim-record-decision', { decision: 'refund', refundAmountMinor: 200_000, completedBy: 'op-pl-0001' })).body).toEqual({
      variables: { approvalLevel: 'none', refundAmountMinor: 200_000, ...PL_LIMITS },
    });
    expect(await h.claimRow(small.claimId)).toMatchObject({ status: 'deciding', currency: 'PLN' });
    const large = await decidingClaim(pl);
    expect((await large.run('claim-record-decision', { decision: 'refund', refundAmountMinor: 3_000_000, completedBy: 'op-pl-0001' })).body).toEqual({
      variables: { approvalLevel: 'bu-manager', refundAmountMinor: 3_000_000, ...PL_LIMITS },
    });
    expect((await h.historyOf(large.claimId))[0]!.detail).toMatchObject({ currency: 'PLN', approvalChain: ['bu-manager', 'country-director'] });
  });

  it('when the operator decides a repair, then the decision is recorded with no approval', async () => {
    const { claimId, run } = await decidingClaim();
    const first = await run('claim-record-decision', { decision: 'repair', completedBy: 'op-es-0001' });
    expect(first).toEqual({ status: 200, body: { variables: { approvalLevel: 'none', refundAmountMinor: null, ...ES_LIMITS } } });
    expect(await run('claim-record-decision', { decision: 'repair', completedBy: 'op-es-0001' })).toEqual(first);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'deciding', decision: 'repair', refund_amount_minor: null, currency: null });
    expect(await h.approvalsOf(claimId)).toEqual([]);
    expect(await h.historyOf(claimId)).toEqual([{ actor: 'op-es-0001', action: 'decided', detail: { decision: 'repair' } }]);
  });

  it('when the operator rejects with a reason, then the rejection is recorded with it; without one, an incident (400) and nothing recorded', async () => {
    const without = await decidingClaim();
    expect(await without.run('claim-record-decision', { decision: 'reject', completedBy: 'op-es-0001' })).toMatchObject({
      status: 400,
      body: { code: 'reject-reason-missing' },
    });
    expect(await h.claimRow(without.claimId)).toMatchObject({ status: 'deciding', decision: null });
    expect(await h.historyOf(without.claimId)).toEqual([]);

    const { claimId, run } = await decidingClaim();
    const answer = await run('claim-record-decision', { decision: 'reject', note: 'Damage caused by misuse', completedBy: 'op-es-0001' });
    expect(answer.body).toMatchObject({ variables: { approvalLevel: 'none' } });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'deciding', decision: 'reject', decision_reason: 'Damage caused by misuse' });
    expect(await h.historyOf(claimId)).toEqual([{ actor: 'op-es-0001', action: 'decided', detail: { decision: 'reject', note: 'Damage caused by misuse' } }]);
  });

  it('when a refund comes without its amount, then an incident (400)', async () => {
    const { run } = await decidingClaim();
    expect(await run('claim-record-decision', { decision: 'refund', completedBy: 'op-es-0001' })).toMatchObject({
      status: 400,
      body: { code: 'refund-amount-missing' },
    });
  });
});

describe('claims-handling: claim-record-approval', () => {
  it('when the BU manager approves a refund within their limit, then no level is left', async () => {
    const { claimId, run } = await refundDecided(300_000);
    const approve = () => run('claim-record-approval', { approvalLevel: 'bu-manager', approved: true, completedBy: 'bu-es-0001' });
    const first = await approve();
    expect(first).toEqual({ status: 200, body: { variables: { approvalLevel: 'none', refundAmountMinor: 300_000, ...ES_LIMITS } } });
    expect(await approve()).toEqual(first);
    expect((await h.approvalsOf(claimId)).map((a) => [a.level, a.decision, a.decided_by])).toEqual([
      ['operator', 'approved', 'op-es-0001'],
      ['bu-manager', 'approved', 'bu-es-0001'],
    ]);
    expect((await h.historyOf(claimId)).map((e) => [e.actor, e.action])).toEqual([
      ['op-es-0001', 'decided'],
      ['bu-es-0001', 'refund-approved'],
    ]);
  });

  it('when a refund above the BU manager limit is approved by the BU manager, then it goes to the country director, whose approval ends the chain', async () => {
    const { claimId, run } = await refundDecided(800_000);
    expect((await run('claim-record-approval', { approvalLevel: 'bu-manager', approved: true, completedBy: 'bu-es-0001' })).body).toEqual({
      variables: { approvalLevel: 'country-director', refundAmountMinor: 800_000, ...ES_LIMITS },
    });
    expect((await run('claim-record-approval', { approvalLevel: 'country-director', approved: true, completedBy: 'cd-es-0001' })).body).toEqual({
      variables: { approvalLevel: 'none', refundAmountMinor: 800_000, ...ES_LIMITS },
    });
    expect((await h.approvalsOf(claimId)).map((a) => a.level)).toEqual(['operator', 'bu-manager', 'country-director']);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'awaiting-approval', decision: 'refund' });
  });

  it('when the BU manager refuses with a comment, then the decision is cleared for a new one and the refusal kept, once', async () => {
    const { claimId, run } = await refundDecided(300_000);
    const refuse = () =>
      run('claim-record-approval', { approvalLevel: 'bu-manager', approved: false, comment: 'Repair is cheaper', completedBy: 'bu-es-0001' });
    const first = await refuse();
    expect(first).toEqual({ status: 200, body: { variables: { approvalLevel: 'refused', refundAmountMinor: 300_000, ...ES_LIMITS } } });
    expect(await refuse()).toEqual(first);

    expect(await h.claimRow(claimId)).toMatchObject({ status: 'deciding', decision: null, refund_amount_minor: null, currency: null, decided_at: null });
    expect(await h.approvalsOf(claimId)).toEqual([
      { level: 'operator', amount_minor: 300_000, decision: 'approved', comment: null, decided_by: 'op-es-0001' },
      { level: 'bu-manager', amount_minor: 300_000, decision: 'refused', comment: 'Repair is cheaper', decided_by: 'bu-es-0001' },
    ]);
    expect((await h.historyOf(claimId)).slice(1)).toEqual([
      {
        actor: 'bu-es-0001',
        action: 'refund-refused',
        detail: { level: 'bu-manager', refundAmountMinor: 300_000, currency: 'EUR', comment: 'Repair is cheaper' },
      },
    ]);
  });

  it('when a refusal comes without a comment, then an incident (400) and the refund still awaits approval', async () => {
    const { claimId, run } = await refundDecided(300_000);
    expect(await run('claim-record-approval', { approvalLevel: 'bu-manager', approved: false, completedBy: 'bu-es-0001' })).toMatchObject({
      status: 400,
      body: { code: 'refusal-comment-missing' },
    });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'awaiting-approval', decision: 'refund' });
    expect(await h.approvalsOf(claimId)).toHaveLength(1);
  });

  it('when someone approves at a level the chain does not have, then an incident (400) and nothing is recorded', async () => {
    const { claimId, run } = await refundDecided(300_000);
    expect(await run('claim-record-approval', { approvalLevel: 'country-director', approved: true, completedBy: 'cd-es-0001' })).toMatchObject({
      status: 400,
      body: { code: 'approval-level' },
    });
    expect((await h.approvalsOf(claimId)).map((a) => a.level)).toEqual(['operator']);
  });
});

describe('claims-handling: claim-refund', () => {
  it('when every level approved, then the claim is refunded and closed, finance is told who approved, and the customer is told, once', async () => {
    const { claimId, run } = await refundDecided(800_000);
    await run('claim-record-approval', { approvalLevel: 'bu-manager', approved: true, completedBy: 'bu-es-0001' });
    await run('claim-record-approval', { approvalLevel: 'country-director', approved: true, completedBy: 'cd-es-0001' });
    expect(await run('claim-refund')).toEqual({ status: 200, body: { variables: {} } });
    expect(await run('claim-refund')).toEqual({ status: 200, body: { variables: {} } });

    const row = await h.claimRow(claimId);
    expect(row).toMatchObject({ status: 'refunded', decision: 'refund', refund_amount_minor: 800_000 });
    expect(row.closed_at).toBeInstanceOf(Date);
    const events = await h.decidedEventsOf(es.id, claimId);
    expect(events).toEqual([
      {
        claimId,
        serviceOrderId: es.id,
        decision: 'refund',
        handling: 'warranty',
        warrantyCode: COVERED(es).warrantyCode,
        refund: { amountMinor: 800_000, currency: 'EUR' },
        repairOrderId: null,
        approvals: [
          { level: 'operator', decidedBy: 'op-es-0001' },
          { level: 'bu-manager', decidedBy: 'bu-es-0001' },
          { level: 'country-director', decidedBy: 'cd-es-0001' },
        ],
        decidedAt: row.decided_at!.toISOString(),
      },
    ]);
    expect(claimDecided.data.safeParse(events[0]).success).toBe(true);
    expect(await h.messagesOf(es.id, claimId)).toEqual([
      ['claim.refund-approved', { orderReference: es.salesOrderId, claimReference: claimReference(claimId), amountMinor: 800_000, currency: 'EUR' }],
    ]);
    expect((await h.historyOf(claimId)).filter((e) => e.action === 'refunded')).toHaveLength(1);
  });

  it("when a level of the chain has not approved, then an incident (400) and the claim isn't refunded", async () => {
    const { claimId, run } = await refundDecided(300_000);
    expect(await run('claim-refund')).toMatchObject({ status: 400, body: { code: 'refund-not-approved' } });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'awaiting-approval', closed_at: null });
    expect(await h.decidedEventsOf(es.id, claimId)).toEqual([]);
  });

  it('when an approval was given to a refused earlier decision, then it does not count for the new one', async () => {
    const { run } = await refundDecided(300_000);
    await run('claim-record-approval', { approvalLevel: 'bu-manager', approved: false, comment: 'Too much', completedBy: 'bu-es-0001' });
    await run('claim-record-decision', { decision: 'refund', refundAmountMinor: 300_000, completedBy: 'op-es-0001' });
    expect(await run('claim-refund')).toMatchObject({ status: 400, body: { code: 'refund-not-approved' } });
  });
});

describe('claims-handling: claim-reject', () => {
  it('when the operator rejects at acknowledgement, then the claim is closed as rejected with the note as reason, announced and told once', async () => {
    const { claimId, run } = await h.claimOn(es, { status: 'acknowledged', ...COVERED(es) });
    const reject = () => run('claim-reject', { note: 'Not covered: wear and tear' });
    expect(await reject()).toEqual({ status: 200, body: { variables: {} } });
    expect(await reject()).toEqual({ status: 200, body: { variables: {} } });

    const row = await h.claimRow(claimId);
    expect(row).toMatchObject({ status: 'rejected', decision: 'reject', decision_reason: 'Not covered: wear and tear' });
    expect(row.closed_at).toBeInstanceOf(Date);
    const events = await h.decidedEventsOf(es.id, claimId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ claimId, decision: 'reject', refund: null, repairOrderId: null, approvals: [] });
    expect(await h.messagesOf(es.id, claimId)).toEqual([
      ['claim.rejected', { orderReference: es.salesOrderId, claimReference: claimReference(claimId), reason: 'Not covered: wear and tear' }],
    ]);
  });

  it('when a rejection comes without a reason, then an incident (400) and the claim stays acknowledged', async () => {
    const { claimId, run } = await h.claimOn(es, { status: 'acknowledged', ...COVERED(es) });
    expect(await run('claim-reject')).toMatchObject({ status: 400, body: { code: 'reject-reason-missing' } });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'acknowledged', decision: null, closed_at: null });
  });

  it('when the decision was to reject, then its reason is the one the customer receives', async () => {
    const { claimId, run } = await decidingClaim();
    await run('claim-record-decision', { decision: 'reject', note: 'Damage caused by misuse', completedBy: 'op-es-0001' });
    expect((await run('claim-reject')).status).toBe(200);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'rejected', decision_reason: 'Damage caused by misuse' });
    expect((await h.messagesOf(es.id, claimId)).map(([, p]) => (p as { reason: string }).reason)).toEqual(['Damage caused by misuse']);
  });
});
