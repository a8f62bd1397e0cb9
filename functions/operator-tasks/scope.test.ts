import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/principal';
import { scopeFromGroups, searchGroups, withinScope } from './scope';

const principal = (scope: Partial<Principal['scope']>): Principal => ({
  subject: 's',
  roles: ['operator'],
  scope: { countries: [], businessUnits: [], stores: [], providerId: null, ...scope },
});

describe('operator-tasks scope', () => {
  it('when groups carry country, bu and store, then each is read; a missing one is null', () => {
    expect(scopeFromGroups(['operators', 'country:FR', 'bu:FR-IDF', 'store:FR-PAR-0101'])).toEqual({
      country: 'FR',
      businessUnit: 'FR-IDF',
      store: 'FR-PAR-0101',
    });
    expect(scopeFromGroups(['operators', 'country:FR'])).toEqual({ country: 'FR', businessUnit: null, store: null });
    expect(scopeFromGroups(['operators', 'country:'])).toEqual({ country: null, businessUnit: null, store: null });
  });

  it('when the caller is restricted at a level, then work without that level is outside', () => {
    const paris = { country: 'FR', businessUnit: 'FR-IDF', store: 'FR-PAR-0101' };
    expect(withinScope(principal({ countries: ['FR'] }), paris)).toBe(true);
    expect(withinScope(principal({ countries: ['ES'] }), paris)).toBe(false);
    expect(withinScope(principal({ countries: ['*'] }), { country: null, businessUnit: null, store: null })).toBe(true);
    expect(withinScope(principal({ countries: ['FR'], businessUnits: ['FR-RHONE-ALPES'] }), paris)).toBe(false);
    expect(withinScope(principal({ countries: ['FR'], businessUnits: ['FR-IDF'] }), { ...paris, businessUnit: null })).toBe(false);
    expect(withinScope(principal({ countries: ['FR'], stores: ['FR-PAR-0101'] }), paris)).toBe(true);
    expect(withinScope(principal({ countries: [], businessUnits: ['FR-IDF'] }), paris)).toBe(false);
  });

  it('when the caller is restricted, then the search asks for the narrowest groups; unrestricted, for operators', () => {
    expect(searchGroups(principal({ countries: ['ES', 'FR'] }))).toEqual(['country:ES', 'country:FR']);
    expect(searchGroups(principal({ countries: ['FR'], businessUnits: ['FR-RHONE-ALPES'] }))).toEqual(['bu:FR-RHONE-ALPES']);
    expect(searchGroups(principal({ countries: ['FR'], businessUnits: ['FR-IDF'], stores: ['FR-PAR-0101'] }))).toEqual(['store:FR-PAR-0101']);
    expect(searchGroups(principal({ countries: ['*'] }))).toEqual(['operators']);
    expect(searchGroups(principal({ countries: [] }))).toEqual([]);
  });
});
