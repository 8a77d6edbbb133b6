import type { ApplyOptions } from './types.js';
import { compileScript, requireDeltaUnit, type OldText } from './script.js';
import { ForwardWalker } from './units.js';
import type { DeltaUnit } from './types.js';

export { DeltaError } from './script.js';

/**
 * A plain string as an OldText. The cursor only moves forward during one validation, so
 * `locate` walks on from where it last stopped: the cost is proportional to how far into
 * the text the script reaches, and the text after the last op is never segmented.
 */
class StringText implements OldText {
  readonly #text: string;
  readonly #unit: DeltaUnit;
  #walker: ForwardWalker;
  #walkerU = 0;

  constructor(text: string, unit: DeltaUnit) {
    this.#text = text;
    this.#unit = unit;
    this.#walker = new ForwardWalker(text, unit);
  }

  get utf16Length(): number {
    return this.#text.length;
  }

  locate(u: number): number {
    if (u < this.#walkerU) {
      this.#walker = new ForwardWalker(this.#text, this.#unit);
      this.#walkerU = 0;
    }
    if (!this.#walker.forward(u - this.#walkerU)) {
      this.#walker = new ForwardWalker(this.#text, this.#unit);
      this.#walkerU = 0;
      return -1;
    }
    this.#walkerU = u;
    return this.#walker.pos;
  }

  charCodeAt(i: number): number {
    return this.#text.charCodeAt(i);
  }

  slice(start: number, end: number): string {
    return this.#text.slice(start, end);
  }
}

/**
 * Applies one delta script to `text` and returns the new text. Positions count in `unit`s
 * of the old text (default `grapheme`). The whole script is validated first: on any
 * problem a DeltaError is thrown and nothing is produced.
 */
export function applyDeltas(text: string, deltas: unknown, options?: ApplyOptions): string {
  if (typeof text !== 'string') throw new TypeError('applyDeltas: text must be a string');
  const unit = requireDeltaUnit(options?.unit);
  const edits = compileScript(deltas, new StringText(text, unit), unit);
  if (edits.length === 0) return text;
  const out: string[] = [];
  let pos = 0;
  for (const e of edits) {
    out.push(text.slice(pos, e.a), e.t);
    pos = e.z;
  }
  out.push(text.slice(pos));
  return out.join('');
}
