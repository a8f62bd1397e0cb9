import { describe, expect, it } from 'vitest';
import { signCustomerLink } from '../../shared/domain/customer-link';
import { formatMicros, withoutLinkTokens } from './present';

describe('formatMicros', () => {
  it.each([
    [0n, '0.00'],
    [450000n, '0.45'],
    [451000n, '0.451'],
    [100000n, '0.10'],
    [75n, '0.000075'],
    [12000000n, '12.00'],
    ['9007199254740993', '9007199254.740993'],
    [-75000n, '-0.075'],
  ])('when %s micro-units are shown, then %s', (micros, text) => {
    expect(formatMicros(micros)).toBe(text);
  });
});

describe('withoutLinkTokens', () => {
  it("when a text carries a customer's signed link, then the operator sees the link without its token; other text is unchanged", () => {
    const token = signCustomerLink('operators-never-see-this-secret-0123456789', {
      purpose: 'wcf-answer',
      subjectId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
      serviceOrderId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
      expiresAt: new Date('2027-01-01T00:00:00Z'),
    });
    const text = `Indíquenos si acepta los trabajos:\nhttp://127.0.0.1:8080/wcf/answers/${token}\n\nAtentamente,\nEquipo AHS (pedido ES-0042.778812)`;
    const shown = withoutLinkTokens(text);
    expect(shown).toBe('Indíquenos si acepta los trabajos:\nhttp://127.0.0.1:8080/wcf/answers/[token]\n\nAtentamente,\nEquipo AHS (pedido ES-0042.778812)');
    expect(shown).not.toContain(token.split('.')[1]);
  });
});
