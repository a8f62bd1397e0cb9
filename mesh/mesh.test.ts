import { describe, expect, it } from 'vitest';
import { withOverrides } from './mesh';

describe('withOverrides', () => {
  it('when the environment sets a variable the manifest gives a value, then the environment wins; the others keep the manifest value', () => {
    const manifest = { TV_SLA_DURATION: 'P5D', TV_ANSWER_DEADLINE: 'P7D' };
    expect(withOverrides(manifest, { TV_SLA_DURATION: 'PT2M', UNRELATED: 'x' })).toEqual({ TV_SLA_DURATION: 'PT2M', TV_ANSWER_DEADLINE: 'P7D' });
  });

  it('when the environment sets it empty, then the manifest value stays', () => {
    expect(withOverrides({ TV_SLA_DURATION: 'P5D' }, { TV_SLA_DURATION: '' })).toEqual({ TV_SLA_DURATION: 'P5D' });
  });
});
