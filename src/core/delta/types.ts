/**
 * Units in which delta positions and lengths are counted. The platform's backend is
 * Elixir (`String.myers_difference` works on graphemes), so `grapheme` is the default.
 */
export type DeltaUnit = 'grapheme' | 'codepoint' | 'utf16';

/** Every delta unit, once: the one list (the element, the reducer and the applier check against it). */
export const DELTA_UNITS: readonly DeltaUnit[] = Object.freeze(['grapheme', 'codepoint', 'utf16'] as const);

export function isDeltaUnit(x: unknown): x is DeltaUnit {
  return (DELTA_UNITS as readonly unknown[]).includes(x);
}

/** Why a delta script was refused. The text it was applied to is left unchanged. */
export type DeltaErrorReason =
  | 'not-a-list' // deltas is not an array
  | 'bad-op' // an element is not an object with command/value
  | 'unknown-command' // command is not mov/ins/del
  | 'bad-value' // mov/del value not an integer >= 0; ins value not a string; del string empty is fine
  | 'past-end' // the cursor would pass the end of the text
  | 'del-mismatch' // a string `del` does not match the text at the cursor
  | 'split-surrogate' // utf16: the result would hold a lone surrogate that was not there before; other units: an insert holds a lone surrogate
  | 'too-many-ops' // more than MAX_OPS ops in one script
  | 'insert-too-large'; // more than MAX_INSERT characters inserted by one script

export const MAX_OPS = 1000;
export const MAX_INSERT = 65536;

export interface ApplyOptions {
  readonly unit?: DeltaUnit;
}

/**
 * A generation's current text in a form cheap to edit at any length: immutable, with
 * structural sharing, so the reducer stays pure. `apply` validates the whole script first
 * and either returns a new LiveText or throws a DeltaError leaving `this` untouched.
 * Never re-segments the whole text into graphemes per call.
 */
export interface LiveText {
  readonly unit: DeltaUnit;
  /** Length in `unit`s. */
  readonly length: number;
  /** Length in UTF-16 code units. */
  readonly utf16Length: number;
  apply(deltas: unknown): LiveText;
  /** The whole text; memoised, so repeated calls on one instance are free. */
  toString(): string;
}
