import { describe, expect, it } from 'vitest';
import type { ClaimableOrder } from '../../test/support/claims';
import { claimReference } from '../../shared/domain/claim-history';
import { localDate } from '../../shared/domain/locale';
import { COVERED, coveringOn, instanceKey, startClaimsHandlingHarness } from './testing';

const h = await startClaimsHandlingHarness();
const { db } = h;

// A Pyxis ES kitchen accepted on 2026-06-15 (its warranties start that day); most claims are on it.
const es = await h.claimableOrder();

const DAY = 86_400_000;
const lastEnd = (order: ClaimableOrder) => order.warranties.map((w) => w.endsOn).reduce((a, b) => (b > a ? b : a));

describe('claims-handling: claim-register', () => {
  it('when the claim is made within the warranties, then it is covered by the one ending last, handled under warranty, recorded and told once', async () => {
    const claimedAt = new Date('2026-09-01T10:00:00Z');
    const warranty = coveringOn(es, '2026-09-01');
    const { claimId, run } = await h.claimOn(es, { claimedAt });
    const acknowledgeBy = new Date(claimedAt.getTime() + 48 * 3_600_000);
    const first = await run('claim-register');
    expect(first).toEqual({
      status: 200,
      body: { variables: { entitlement: 'covered', warrantyCode: warranty.code, handling: 'warranty', acknowledgeBy: acknowledgeBy.toISOString() } },
    });
    expect(await run('claim-register')).toEqual(first);

    expect(await h.claimRow(claimId)).toMatchObject({ status: 'received', entitlement: 'covered', warranty_code: warranty.code, handling: 'warranty' });
    expect(await h.historyOf(claimId)).toEqual([
      {
        actor: 'system',
        action: 'registered',
        detail: {
          claimedOn: '2026-09-01',
          entitlement: 'covered',
          warrantyCode: warranty.code,
          warrantyEndsOn: warranty.endsOn,
          legalSource: warranty.legalSource,
          acknowledgeBy: acknowledgeBy.toISOString(),
        },
      },
    ]);
    expect(await h.messagesOf(es.id, claimId)).toEqual([
      [
        'claim.received',
        {
          orderReference: es.salesOrderId,
          claimReference: claimReference(claimId),
          entitlement: 'covered',
          warrantyCode: warranty.code,
          acknowledgeBy: localDate(acknowledgeBy, 'Europe/Madrid'),
        },
      ],
    ]);
  });

  it('when the claim is made after every warranty ended, then it is out of warranty with no handling, and the history says when the last one ended', async () => {
    const endedOn = lastEnd(es);
    const claimedAt = new Date(new Date(`${endedOn}T10:00:00Z`).getTime() + 2 * DAY);
    const { claimId, run } = await h.claimOn(es, { claimedAt });
    const answer = await run('claim-register');
    expect(answer).toEqual({
      status: 200,
      body: {
        variables: {
          entitlement: 'out-of-warranty',
          warrantyCode: null,
          handling: null,
          acknowledgeBy: new Date(claimedAt.getTime() + 48 * 3_600_000).toISOString(),
        },
      },
    });
    expect(await h.claimRow(claimId)).toMatchObject({ entitlement: 'out-of-warranty', warranty_code: null, handling: null });
    const history = await h.historyOf(claimId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ actor: 'system', action: 'registered', detail: { entitlement: 'out-of-warranty', reason: 'ended', endedOn } });
    expect((await h.messagesOf(es.id, claimId)).map(([template, p]) => [template, (p as { entitlement: string }).entitlement])).toEqual([
      ['claim.received', 'out-of-warranty'],
    ]);
  });

  it("when an Italian customer reports a defect long after discovering it, then the claim is out of warranty, reported too late (art. 1667's 60 days)", async () => {
    const it = await h.claimableOrder({ fixture: 'tempo-created' });
    expect(it.countryCode).toBe('IT');
    const claimedAt = new Date('2027-12-01T10:00:00Z');
    const discoveredOn = '2026-07-01';
    const { claimId, run } = await h.claimOn(it, { claimedAt });
    await db.query('UPDATE claims.claims SET discovered_on = $2 WHERE id = $1', [claimId, discoveredOn]);
    // Every running warranty has a window; the one whose window closed last is named.
    const running = it.warranties.filter((w) => w.startsOn <= '2027-12-01' && '2027-12-01' <= w.endsOn);
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((w) => w.reportingWindowDays !== null)).toBe(true);
    const late = running
      .map((w) => ({
        code: w.code,
        reportBy: new Date(new Date(`${discoveredOn}T00:00:00Z`).getTime() + w.reportingWindowDays! * DAY).toISOString().slice(0, 10),
      }))
      .sort((a, b) => b.reportBy.localeCompare(a.reportBy))[0]!;

    expect((await run('claim-register')).body).toMatchObject({ variables: { entitlement: 'out-of-warranty', warrantyCode: null, handling: null } });
    expect((await h.historyOf(claimId))[0]).toMatchObject({
      action: 'registered',
      detail: { claimedOn: '2027-12-01', entitlement: 'out-of-warranty', reason: 'reported-too-late', warrantyCode: late.code, reportBy: late.reportBy },
    });
  });

  it("when the claim is made in the night before the acceptance day's end in UTC, then the claim date is Madrid's calendar day", async () => {
    // 22:30 UTC on 14 June is 00:30 on 15 June in Madrid: the day the warranties start.
    const { claimId, run } = await h.claimOn(es, { claimedAt: new Date('2026-06-14T22:30:00Z') });
    expect((await run('claim-register')).body).toMatchObject({ variables: { entitlement: 'covered', warrantyCode: coveringOn(es, '2026-06-15').code } });
    expect((await h.historyOf(claimId))[0]!.detail).toMatchObject({ claimedOn: '2026-06-15' });
  });

  it('when the claim is made before the warranties started, then it is out of warranty, not started', async () => {
    const { claimId, run } = await h.claimOn(es, { claimedAt: new Date('2026-06-10T10:00:00Z') });
    expect((await run('claim-register')).body).toMatchObject({ variables: { entitlement: 'out-of-warranty', handling: null } });
    expect((await h.historyOf(claimId))[0]!.detail).toMatchObject({ reason: 'not-started', startsOn: '2026-06-15' });
  });

  it('when a job of another process instance comes for the claim, then an incident (400) and nothing is recorded', async () => {
    const { claimId, processInstanceKey } = await h.claimOn(es, { claimedAt: new Date('2026-09-01T10:00:00Z') });
    expect(await h.run('claim-register', { claimId }, instanceKey())).toMatchObject({ status: 400, body: { code: 'claim-of-another-instance' } });
    expect(await h.historyOf(claimId)).toEqual([]);
    expect(await h.claimRow(claimId)).toMatchObject({ process_instance_key: processInstanceKey, entitlement: null });
    expect(await h.messagesOf(es.id, claimId)).toEqual([]);
  });

  it('when the first job of an instance comes for a claim bound to none, then the claim is bound to that instance', async () => {
    const claimId = (await h.claimOn(es, { claimedAt: new Date('2026-09-01T10:00:00Z') })).claimId;
    await db.query('UPDATE claims.claims SET process_instance_key = NULL WHERE id = $1', [claimId]);
    const key = instanceKey();
    expect((await h.run('claim-register', { claimId }, key)).status).toBe(200);
    expect((await h.claimRow(claimId)).process_instance_key).toBe(key);
    expect(await h.run('claim-register', { claimId }, instanceKey())).toMatchObject({ status: 400, body: { code: 'claim-of-another-instance' } });
  });
});

describe('claims-handling: claim-acknowledge', () => {
  it('when the operator investigates a covered claim, then it is acknowledged under warranty, to be decided within 10 days, and the customer is told the date', async () => {
    const { claimId, run } = await h.claimOn(es, COVERED(es));
    const acknowledge = () => run('claim-acknowledge', { decision: 'investigate', completedBy: 'op-es-0007' });
    const first = await acknowledge();
    const row = await h.claimRow(claimId);
    expect(row).toMatchObject({ status: 'acknowledged', handling: 'warranty' });
    const decideBy = new Date(row.acknowledged_at!.getTime() + 10 * DAY);
    expect(first).toEqual({ status: 200, body: { variables: { decideBy: decideBy.toISOString() } } });
    expect(await acknowledge()).toEqual(first);

    expect(await h.historyOf(claimId)).toEqual([
      { actor: 'op-es-0007', action: 'acknowledged', detail: { decision: 'investigate', handling: 'warranty', decideBy: decideBy.toISOString() } },
    ]);
    expect(await h.messagesOf(es.id, claimId)).toEqual([
      ['claim.acknowledged', { orderReference: es.salesOrderId, claimReference: claimReference(claimId), decideBy: localDate(decideBy, 'Europe/Madrid') }],
    ]);
  });

  it("when the instance still carries claim-register's handling 'warranty', then the acknowledgement of a covered claim takes it", async () => {
    const { claimId, run } = await h.claimOn(es, COVERED(es));
    expect((await run('claim-acknowledge', { decision: 'investigate', handling: 'warranty', completedBy: 'op-es-0007' })).status).toBe(200);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'acknowledged', handling: 'warranty' });
  });

  it('when the operator investigates a claim out of warranty without saying how it is handled, then a BPMN error CLAIM_HANDLING_MISSING and nothing changes', async () => {
    const { claimId, run } = await h.claimOn(es, { entitlement: 'out-of-warranty' });
    expect(await run('claim-acknowledge', { decision: 'investigate', completedBy: 'op-es-0007' })).toEqual({
      status: 422,
      body: { errorCode: 'CLAIM_HANDLING_MISSING', errorMessage: expect.stringContaining(claimId) as unknown },
    });
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'received', handling: null, acknowledged_at: null });
    expect(await h.historyOf(claimId)).toEqual([]);
    expect(await h.messagesOf(es.id, claimId)).toEqual([]);
  });

  it('when the operator investigates a claim out of warranty as goodwill, then it is acknowledged and handled as goodwill', async () => {
    const { claimId, run } = await h.claimOn(es, { entitlement: 'out-of-warranty' });
    const answer = await run('claim-acknowledge', { decision: 'investigate', handling: 'goodwill', note: 'Long-standing customer', completedBy: 'op-es-0007' });
    expect(answer.status).toBe(200);
    expect(await h.claimRow(claimId)).toMatchObject({ status: 'acknowledged', handling: 'goodwill', entitlement: 'out-of-warranty' });
    expect(await h.historyOf(claimId)).toEqual([
      {
        actor: 'op-es-0007',
        action: 'acknowledged',
        detail: {
          decision: 'investigate',
          handling: 'goodwill',
          note: 'Long-standing customer',
          decideBy: (answer.body.variables as { decideBy: string }).decideBy,
        },
      },
    ]);
  });
});

describe('claims-handling: claim-record-breach', () => {
  it('when a time passes, then the first breach is recorded once and a later firing of the timer is not the first', async () => {
    const { claimId, run } = await h.claimOn(es, COVERED(es));
    expect(await run('claim-record-breach', { sla: 'acknowledge' })).toEqual({ status: 200, body: { variables: { firstBreach: true } } });
    expect(await run('claim-record-breach', { sla: 'acknowledge' })).toEqual({ status: 200, body: { variables: { firstBreach: false } } });
    const history = await h.historyOf(claimId);
    expect(history).toEqual([{ actor: 'system', action: 'acknowledge-time-passed', detail: { status: 'received', jobKey: expect.any(String) as unknown } }]);
    // The other time is its own breach.
    expect(await run('claim-record-breach', { sla: 'decide' })).toEqual({ status: 200, body: { variables: { firstBreach: true } } });
  });
});
