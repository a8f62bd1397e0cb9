import { describe, expect, it } from 'vitest';
import { formatMicros } from './present';

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
