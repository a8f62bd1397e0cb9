import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { useOrderSeller } from '../../test/support/tv';
import { approvalChain, approvalLimit, claimSettings, defaultClaimSettings, entitlement } from './claim-rules';
import { warrantyEndDate } from './warranties';

const ACCEPTED = '2026-12-10';
/** A warranty as wcf.warranties holds it, started on ACCEPTED. */
const warranty = (code: string, months: number, reportingWindowDays: number | null = null) => ({
  code,
  startsOn: ACCEPTED,
  endsOn: warrantyEndDate(ACCEPTED, months),
  reportingWindowDays,
});

const frKitchen = [warranty('parfait-achevement', 12)];
const itKitchen = [warranty('difformita-vizi', 24, 60)];
const esBath = [warranty('acabado', 12), warranty('habitabilidad', 36)];

describe('entitlement', () => {
  it('when a FR kitchen is claimed 6 months after acceptance, then the parfait achèvement covers it', () => {
    expect(entitlement(frKitchen, '2027-06-10')).toEqual({ entitlement: 'covered', warranty: frKitchen[0] });
  });

  it('when a FR kitchen is claimed on the last covered day, then it is still covered', () => {
    expect(entitlement(frKitchen, '2027-12-10')).toMatchObject({ entitlement: 'covered' });
  });

  it('when a FR kitchen is claimed 13 months after acceptance, then it is out of warranty naming the end date', () => {
    expect(entitlement(frKitchen, '2028-01-10')).toEqual({ entitlement: 'out-of-warranty', reason: 'ended', endedOn: '2027-12-10' });
  });

  it('when an IT defect is reported within 60 days of its discovery, then it is covered, up to the 60th day', () => {
    expect(entitlement(itKitchen, '2027-06-10', '2027-05-01')).toMatchObject({ entitlement: 'covered', warranty: { code: 'difformita-vizi' } });
    expect(entitlement(itKitchen, '2027-06-30', '2027-05-01')).toMatchObject({ entitlement: 'covered' });
  });

  it('when an IT defect is reported 61 days after its discovery, then it was reported too late, naming the last day', () => {
    expect(entitlement(itKitchen, '2027-07-01', '2027-05-01')).toEqual({
      entitlement: 'out-of-warranty',
      reason: 'reported-too-late',
      warrantyCode: 'difformita-vizi',
      reportBy: '2027-06-30',
    });
  });

  it('when no discovery date is given, then the claim date is the discovery and the window is met', () => {
    expect(entitlement(itKitchen, '2028-12-10')).toMatchObject({ entitlement: 'covered' });
  });

  it('when an IT bath defect is too late for the 60-day window but within 365 days, then the 10-year warranty covers it', () => {
    const itBath = [...itKitchen, warranty('gravi-difetti', 120, 365)];
    expect(entitlement(itBath, '2027-09-01', '2027-05-01')).toMatchObject({ entitlement: 'covered', warranty: { code: 'gravi-difetti' } });
  });

  it('when two ES warranties cover a claim, then the one ending last covers it (habitability 3 years over finishing 1 year)', () => {
    expect(entitlement(esBath, '2027-06-10')).toMatchObject({ entitlement: 'covered', warranty: { code: 'habitabilidad', endsOn: '2029-12-10' } });
    expect(entitlement([...esBath].reverse(), '2027-06-10')).toMatchObject({ warranty: { code: 'habitabilidad' } });
    expect(entitlement(esBath, '2028-06-10')).toMatchObject({ warranty: { code: 'habitabilidad' } });
    expect(entitlement(esBath, '2029-12-11')).toEqual({ entitlement: 'out-of-warranty', reason: 'ended', endedOn: '2029-12-10' });
  });

  it('when the order has no warranty, then it is out of warranty for that reason', () => {
    expect(entitlement([], '2027-06-10')).toEqual({ entitlement: 'out-of-warranty', reason: 'no-warranty' });
  });

  it('when the claim predates acceptance, then the warranties had not started', () => {
    expect(entitlement(esBath, '2026-12-01')).toEqual({ entitlement: 'out-of-warranty', reason: 'not-started', startsOn: ACCEPTED });
  });

  it('when a date is not a calendar date or the discovery follows the claim, then RangeError', () => {
    expect(() => entitlement(frKitchen, '2027-02-30')).toThrow(RangeError);
    expect(() => entitlement(frKitchen, '2027-06-10', '10/06/2027')).toThrow(RangeError);
    expect(() => entitlement(frKitchen, '2027-06-10', '2027-06-11')).toThrow(RangeError);
  });
});

describe('approvalChain', () => {
  const eur = { operatorRefundLimitMinor: 50_000, buManagerRefundLimitMinor: 500_000 };
  const pln = { operatorRefundLimitMinor: 215_000, buManagerRefundLimitMinor: 2_150_000 };

  it('when a EUR refund is at most 500.00, then the deciding operator alone is enough', () => {
    expect(approvalChain(1, eur)).toEqual([]);
    expect(approvalChain(50_000, eur)).toEqual([]);
  });

  it('when a EUR refund is above 500.00 up to 5,000.00, then a BU manager approves', () => {
    expect(approvalChain(50_001, eur)).toEqual(['bu-manager']);
    expect(approvalChain(500_000, eur)).toEqual(['bu-manager']);
  });

  it('when a EUR refund is above 5,000.00, then the BU manager then the country director approve', () => {
    expect(approvalChain(500_001, eur)).toEqual(['bu-manager', 'country-director']);
  });

  it('when a PLN refund crosses 2,150.00 and 21,500.00, then the chain grows at those limits', () => {
    expect(approvalChain(215_000, pln)).toEqual([]);
    expect(approvalChain(215_001, pln)).toEqual(['bu-manager']);
    expect(approvalChain(2_150_000, pln)).toEqual(['bu-manager']);
    expect(approvalChain(2_150_001, pln)).toEqual(['bu-manager', 'country-director']);
  });

  it('when the amount is not a positive whole number of minor units, then RangeError', () => {
    for (const amount of [0, -1, 10.5, Number.NaN]) expect(() => approvalChain(amount, eur)).toThrow(RangeError);
  });

  it('when asked for each role limit, then operator and BU manager have theirs and the country director none', () => {
    expect(approvalLimit('operator', pln)).toBe(215_000);
    expect(approvalLimit('bu-manager', pln)).toBe(2_150_000);
    expect(approvalLimit('country-director', pln)).toBe(Number.POSITIVE_INFINITY);
  });
});

const db = useTestDb();
const sell = await useOrderSeller(db);

describe('claims tables', () => {
  it('when a country has settings, then they are read; when it has none, then the defaults', async () => {
    expect(await claimSettings(db, 'PL')).toEqual({
      currency: 'PLN',
      acknowledgeWithin: 'PT48H',
      decideWithin: 'P14D',
      operatorRefundLimitMinor: 215_000,
      buManagerRefundLimitMinor: 2_150_000,
      expertProvider: 'exclude-original',
      claimLinkDays: 730,
    });
    expect(await claimSettings(db, 'FR')).toMatchObject({ currency: 'EUR', operatorRefundLimitMinor: 50_000, buManagerRefundLimitMinor: 500_000 });
    expect(await claimSettings(db, 'DE')).toEqual(defaultClaimSettings);
  });

  it('when a history row is updated or deleted, then the database refuses it', async () => {
    const order = await sell();
    const claimId = randomUUID();
    await db.query(
      `INSERT INTO claims.claims (id, service_order_id, opened_via, category, description, claimed_at)
       VALUES ($1, $2, 'customer-link', 'leak', 'Water under the sink', NOW())`,
      [claimId, order.id],
    );
    const actor = `customer-${unique()}`;
    await db.query(`INSERT INTO claims.history (claim_id, actor, action, detail) VALUES ($1, $2, 'claim-received', '{}')`, [claimId, actor]);
    await expect(db.query(`UPDATE claims.history SET action = 'claim-withdrawn' WHERE claim_id = $1`, [claimId])).rejects.toMatchObject({ code: '42501' });
    await expect(db.query('DELETE FROM claims.history WHERE claim_id = $1', [claimId])).rejects.toMatchObject({ code: '42501' });
    const { rows } = await db.query('SELECT action FROM claims.history WHERE claim_id = $1', [claimId]);
    expect(rows).toEqual([{ action: 'claim-received' }]);
  });
});
