import { describe, expect, it } from 'vitest';
import { capacityWindow } from './candidates';
import { defaultWeights, preferProvider, rank, scoreOf, type ProviderFacts } from './ranking';

const facts = (over: Partial<ProviderFacts> = {}): ProviderFacts => ({
  providerId: 'p',
  zonePrefix: '28',
  zonePriority: 1,
  qualityScore: 0.8,
  liveAssignments: 0,
  costIndex: 1,
  technicianIds: ['t'],
  ...over,
});

describe('ranking', () => {
  it('when a provider is scored, then the explanation holds its facts, each part, the weights and the weighted mean', () => {
    const e = scoreOf(facts({ zonePriority: 2, qualityScore: 0.74, liveAssignments: 3, costIndex: 0.95 }), defaultWeights);
    expect(e.parts).toEqual({ zone: 0.5, quality: 0.74, load: 0.25, cost: 1.0526 });
    expect(e.weights).toEqual(defaultWeights);
    expect(e.facts).toMatchObject({ zonePriority: 2, qualityScore: 0.74, liveAssignments: 3, costIndex: 0.95 });
    expect(e.score).toBeCloseTo(0.35 * 0.5 + 0.35 * 0.74 + 0.2 * 0.25 + 0.1 * 1.0526, 4);
  });

  it('when providers differ by zone priority, quality, load or cost, then the better one ranks first on each', () => {
    const pairs: [Partial<ProviderFacts>, Partial<ProviderFacts>][] = [
      [{ zonePriority: 1 }, { zonePriority: 2 }],
      [{ qualityScore: 0.9 }, { qualityScore: 0.6 }],
      [{ liveAssignments: 0 }, { liveAssignments: 4 }],
      [{ costIndex: 0.9 }, { costIndex: 1.2 }],
    ];
    for (const [better, worse] of pairs) {
      const ranked = rank([facts({ providerId: 'b', ...worse }), facts({ providerId: 'a', ...better })], defaultWeights);
      expect(ranked.map((r) => [r.providerId, r.rank])).toEqual([
        ['a', 1],
        ['b', 2],
      ]);
    }
  });

  it('when the weights say only load counts, then a busy home-zone provider ranks after an idle farther one', () => {
    const busy = facts({ providerId: 'busy', zonePriority: 1, liveAssignments: 5 });
    const idle = facts({ providerId: 'idle', zonePriority: 3, liveAssignments: 0 });
    expect(rank([busy, idle], defaultWeights)[0]?.providerId).toBe('busy');
    expect(rank([busy, idle], { zone: 0, quality: 0, load: 1, cost: 0 })[0]?.providerId).toBe('idle');
  });

  it('when scores are equal, then the order is by provider id (repeatable)', () => {
    expect(rank([facts({ providerId: 'z' }), facts({ providerId: 'm' })], defaultWeights).map((r) => r.providerId)).toEqual(['m', 'z']);
  });

  it('when the order prefers an eligible provider (a claim expert policy), then it is offered first, explained; an ineligible preference changes nothing', () => {
    const ranked = rank(
      [facts({ providerId: 'best', qualityScore: 0.99 }), facts({ providerId: 'orig', qualityScore: 0.3 }), facts({ providerId: 'mid' })],
      defaultWeights,
    );
    expect(ranked.map((r) => r.providerId)).toEqual(['best', 'mid', 'orig']);
    const preferred = preferProvider(ranked, { providerId: 'orig', reason: 'claim-expert-policy' });
    expect(preferred.map((r) => [r.providerId, r.rank])).toEqual([
      ['orig', 1],
      ['best', 2],
      ['mid', 3],
    ]);
    expect(preferred[0]?.explanation.preferred).toBe('claim-expert-policy');
    expect(preferProvider(ranked, { providerId: 'gone', reason: 'claim-expert-policy' })).toEqual(ranked);
    expect(preferProvider(ranked, undefined)).toEqual(ranked);
  });

  it('when the order has an open requested window, then capacity is searched in it from today; otherwise the next horizon days', () => {
    const today = new Date('2027-03-10T09:00:00Z');
    expect(capacityWindow({ requestedFrom: '2027-03-20', requestedTo: '2027-03-25' }, today, 14)).toEqual({ from: '2027-03-20', to: '2027-03-25' });
    expect(capacityWindow({ requestedFrom: '2027-03-01', requestedTo: '2027-03-12' }, today, 14)).toEqual({ from: '2027-03-10', to: '2027-03-12' });
    expect(capacityWindow({ requestedFrom: '2027-02-01', requestedTo: '2027-02-05' }, today, 14)).toEqual({ from: '2027-03-10', to: '2027-03-23' });
    expect(capacityWindow({ requestedFrom: null, requestedTo: null }, today, 14)).toEqual({ from: '2027-03-10', to: '2027-03-23' });
  });
});
