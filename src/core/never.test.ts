import { describe, expect, it } from 'vitest';
import type { Block } from './conversation/types.js';
import { assertNever, skipNever } from './never.js';

/** A switch handling every kind but one, as a newcomer adding a kind would leave it. */
function missingCarousel(b: Block): string {
  switch (b.kind) {
    case 'text':
    case 'image':
    case 'video':
    case 'actions':
    case 'generation':
      return b.kind;
    default:
      // @ts-expect-error `b` is a CarouselBlock here, not never: the type checker rejects it.
      return skipNever(b, 'skipped');
  }
}

describe('exhaustive switches', () => {
  it('a missing case is a type error (the @ts-expect-error above would fail typecheck otherwise)', () => {
    expect(missingCarousel({ kind: 'carousel', id: 'b1', carouselId: 'k', cards: [], state: 'done' })).toBe('skipped');
  });
  it('assertNever throws a TypeError naming the kind a value from outside the types has', () => {
    expect(() => assertNever({ type: 'hologram' } as never, 'chunk type')).toThrow(new TypeError('Unhandled chunk type: "hologram"'));
    expect(() => assertNever({ kind: 'audio' } as never)).toThrow(/Unhandled value: "audio"/);
  });
  it('skipNever returns the fallback at run time', () => {
    expect(skipNever('x' as never, 42)).toBe(42);
  });
});
