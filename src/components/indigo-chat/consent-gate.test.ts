import { describe, expect, it } from 'vitest';
import { mayShowUnprompted } from './consent-gate.js';

describe('mayShowUnprompted', () => {
  it('allows without a consent requirement, waits for consent when it is required', () => {
    expect(mayShowUnprompted(null, false)).toBe(true);
    expect(mayShowUnprompted('', false)).toBe(true);
    expect(mayShowUnprompted('required', false)).toBe(false);
    expect(mayShowUnprompted(' Required ', false)).toBe(false);
    expect(mayShowUnprompted('required', true)).toBe(true);
  });
});
