import { describe, expect, it } from 'vitest';
import { addressKey, contactKeys, nameKey, normalizePhone } from './identity-keys';

describe('identity keys used to reconcile customers across channels', () => {
  it.each([
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['+33612345678', 'FR', '+33612345678'],
    ['0033 6 12 34 56 78', 'FR', '+33612345678'],
    ['612 345 678', 'ES', '+34612345678'],
    ['02 1234 5678', 'IT', '+390212345678'],
    ['601-234-567', 'PL', '+48601234567'],
  ])('when the phone is written %s in %s, then its E.164 form is %s', (phone, country, e164) => {
    expect(normalizePhone(phone, country)).toBe(e164);
  });

  it('when a phone is too short to be one, then it gives no key', () => {
    expect(normalizePhone('123', 'FR')).toBeNull();
    expect(contactKeys({ phone: '123', email: null, countryCode: 'FR' })).toEqual([]);
  });

  it('when the same street is written with other punctuation, case and accents, then the address key is the same', () => {
    const a = addressKey({ street: '12, rue de la Republique', postalCode: '69002', countryCode: 'FR' });
    const b = addressKey({ street: '12 rue de la République', postalCode: '69 002', countryCode: 'fr' });
    expect(a).toBe(b);
    expect(addressKey({ street: '14 rue de la République', postalCode: '69002', countryCode: 'FR' })).not.toBe(a);
  });

  it('when names differ only in case or word order, then the name key is the same', () => {
    expect(nameKey('Camille BERNARD')).toBe(nameKey('bernard camille'));
    expect(nameKey('Camille Bernard')).not.toBe(nameKey('Paul Bernard'));
  });

  it('when an email differs only in case, then the contact key is the same', () => {
    expect(contactKeys({ phone: null, email: 'Camille.Bernard@Example.fr ', countryCode: 'FR' })).toEqual(['email:camille.bernard@example.fr']);
  });
});
