/**
 * Grapheme splitting that stays fast on long text, for the delta generator. Node 20's
 * `Intl.Segmenter` iterator is slow per grapheme and superlinear on long strings, so this
 * uses the core's ForwardWalker (the same walk the delta applier counts with: the
 * segmenter only ever sees short windows, ordinary text never reaches it).
 */
import { ForwardWalker } from '../core/delta/units.js';

export function splitGraphemes(text: string): string[] {
  const out: string[] = [];
  const walker = new ForwardWalker(text, 'grapheme');
  let prev = 0;
  while (walker.step()) {
    out.push(text.slice(prev, walker.pos));
    prev = walker.pos;
  }
  return out;
}
