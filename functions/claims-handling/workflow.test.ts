import { describe, expect, it } from 'vitest';
import { claimDecided } from '../../events';
import { outboxOf } from '../../test/support/tv';
import { startClaimWorld } from './testing-workflow';

const w = await startClaimWorld();

const HOUR = 3_600_000;
const claimBody = { category: 'leak', description: 'Water under the sink cabinet since last week', photoRefs: ['photos/claim/leak-1.jpg'] };

/** Opens a claim on the customer's link and waits for the workflow to register it. */
async function claimFromLink(link: string) {
  const opened = await w.call('POST', `/link/${link}`, undefined, claimBody);
  expect(opened.status).toBe(201);
  const claimId = String(opened.body.id);
  await w.until(async () => ((await w.claimOf(claimId)).entitlement ? true : undefined));
  return claimId;
}

/** The expert records findings from the technician's app. */
async function expertFinds(claimId: string, recommendation: 'repair' | 'refund' | 'reject') {
  await w.assignExpert(claimId);
  const answer = await w.call('POST', `/${claimId}/findings`, 'technician-b', { findings: 'Siphon joint cracked at fitting', recommendation });
  expect(answer.status).toBe(200);
}

describe('bpmn/claim.bpmn end to end', () => {
  it('when a covered claim is refunded above the BU limit, then the BU manager and the country director approve in turn; a refusal sends it back to a new decision', async () => {
    const { order, link } = await w.closedOrder();
    const claimId = await claimFromLink(link);
    expect(await w.claimOf(claimId)).toMatchObject({ status: 'received', entitlement: 'covered', handling: 'warranty' });

    await w.complete(claimId, 'acknowledge-claim', { decision: 'investigate' });
    const expertOrderId = await w.assignExpert(claimId);
    const { rows: excluded } = await w.db.query(`SELECT provider_id FROM dispatch.exclusions WHERE service_order_id = $1`, [expertOrderId]);
    expect(excluded).toEqual([{ provider_id: order.providerId }]);
    expect((await w.call('POST', `/${claimId}/findings`, 'technician-b', { findings: 'Cabinet swollen', recommendation: 'refund' })).status).toBe(200);

    // EUR 8,000: above the BU manager's EUR 5,000, so the BU manager then the country director.
    await w.complete(claimId, 'decide-claim', { decision: 'refund', refundAmountMinor: 800_000 });
    const bu = await w.openTask(claimId, 'approve-refund-bu');
    expect(bu.candidate_groups).toEqual(['operators', 'country:ES', `bu:${order.businessUnitCode}`]);
    await w.engine.completeUserTask(bu.user_task_key, { approved: true, completedBy: 'bum-es-0001' });
    const country = await w.openTask(claimId, 'approve-refund-country');
    expect(country.candidate_groups).toEqual(['operators', 'country:ES']);
    await w.engine.completeUserTask(country.user_task_key, {
      approved: false,
      comment: 'Too high for a cabinet: offer a partial refund',
      completedBy: 'cd-es-0001',
    });
    await w.until(async () => ((await w.claimOf(claimId)).status === 'deciding' ? true : undefined));
    expect(await w.claimOf(claimId)).toMatchObject({ decision: null, refund_amount_minor: null });

    // EUR 3,000: the BU manager alone.
    await w.complete(claimId, 'decide-claim', { decision: 'refund', refundAmountMinor: 300_000 });
    await w.complete(claimId, 'approve-refund-bu', { approved: true }, 'bum-es-0001');
    await w.until(async () => ((await w.claimOf(claimId)).status === 'refunded' ? true : undefined));
    expect(await w.tasksOf(claimId, 'approve-refund-country')).toEqual([{ state: 'COMPLETED' }]);

    const decided = (await outboxOf(w.db, order.id)).filter((e) => e.type === claimDecided.type);
    expect(decided.map((e) => e.data)).toEqual([
      expect.objectContaining({
        claimId,
        decision: 'refund',
        handling: 'warranty',
        refund: { amountMinor: 300_000, currency: 'EUR' },
        approvals: [
          { level: 'operator', decidedBy: 'op-es-0001' },
          { level: 'bu-manager', decidedBy: 'bum-es-0001' },
        ],
      }),
    ]);
    const read = await w.call('GET', `/${claimId}`, 'operator-es');
    expect(read.status).toBe(200);
    expect((read.body.history as { action: string }[]).map((h) => h.action)).toEqual([
      'opened',
      'registered',
      'acknowledged',
      'expert-visit-ordered',
      'findings-recorded',
      'decided',
      'refund-approved',
      'refund-refused',
      'decided',
      'refund-approved',
      'refunded',
    ]);
    expect((read.body.approvals as { level: string; decision: string }[]).map((a) => [a.level, a.decision])).toEqual([
      ['operator', 'approved'],
      ['bu-manager', 'approved'],
      ['country-director', 'refused'],
      ['operator', 'approved'],
      ['bu-manager', 'approved'],
    ]);
  });

  it('when a claim is out of warranty, then investigating it needs goodwill or billable; a repair decided on the findings is ordered at no charge', async () => {
    const { order } = await w.closedOrder({ acceptedOn: '2014-03-01' });
    const opened = await w.call('POST', `/orders/${order.id}`, 'operator-es', claimBody);
    expect(opened.status).toBe(201);
    const claimId = String(opened.body.id);
    await w.until(async () => ((await w.claimOf(claimId)).entitlement ? true : undefined));
    expect(await w.claimOf(claimId)).toMatchObject({ entitlement: 'out-of-warranty', handling: null });

    // Without saying goodwill or billable, the acknowledgement goes back to the operator.
    await w.complete(claimId, 'acknowledge-claim', { decision: 'investigate' });
    await w.until(async () => ((await w.tasksOf(claimId, 'acknowledge-claim')).length === 2 ? true : undefined));
    expect((await w.claimOf(claimId)).status).toBe('received');
    await w.complete(claimId, 'acknowledge-claim', { decision: 'investigate', handling: 'goodwill' });

    await expertFinds(claimId, 'repair');
    await w.complete(claimId, 'decide-claim', { decision: 'repair' });
    const claim = await w.until(async () => {
      const c = await w.claimOf(claimId);
      return c.status === 'repair-ordered' ? c : undefined;
    });
    expect(claim).toMatchObject({ handling: 'goodwill', decision: 'repair' });
    const { rows } = await w.db.query(
      `SELECT kind, origin_order_id, claim_id, total_minor::float8 AS total_minor, contract_status FROM orders.service_orders WHERE id = $1`,
      [claim.repair_order_id],
    );
    expect(rows).toEqual([{ kind: 'repair', origin_order_id: order.id, claim_id: claimId, total_minor: 0, contract_status: 'not-required' }]);
  });

  it("when the country's times pass, then the business unit gets one chase task for acknowledging and one for deciding; a rejection closes the claim", async () => {
    const { link } = await w.closedOrder();
    const claimId = await claimFromLink(link);
    // 48 hours to acknowledge in Spain.
    w.clock.pin(w.clock.now() + 49 * HOUR);
    const chase = await w.openTask(claimId, 'chase-claim-acknowledgement');
    expect(chase.candidate_groups[0]).toBe('operators');
    await w.engine.completeUserTask(chase.user_task_key, { note: 'Called the store: acknowledged today', completedBy: 'bum-es-0001' });
    await w.complete(claimId, 'acknowledge-claim', { decision: 'investigate' });

    // 10 days to decide: passed while the expert's findings are awaited, and again at the decision.
    w.clock.pin(w.clock.now() + 11 * 24 * HOUR);
    await w.openTask(claimId, 'chase-claim-decision');
    await expertFinds(claimId, 'reject');
    await w.complete(claimId, 'decide-claim', { decision: 'reject', note: 'The leak comes from the building riser, not the installation' });
    await w.until(async () => ((await w.claimOf(claimId)).status === 'rejected' ? true : undefined));
    w.clock.reset();
    expect(await w.tasksOf(claimId, 'chase-claim-decision')).toHaveLength(1);
    const history = (await w.historyOf(claimId)).map(([, action]) => action);
    expect(history.filter((a) => a!.endsWith('-time-passed'))).toEqual(['acknowledge-time-passed', 'decide-time-passed']);
    expect(history.at(-1)).toBe('rejected');
  });
});
