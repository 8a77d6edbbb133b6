import { MAX_INSERT, MAX_OPS, isDeltaUnit, type DeltaErrorReason, type DeltaUnit } from './types.js';
import { countUnits, hasLoneSurrogate, isHighSurrogate, isLowSurrogate } from './units.js';

/** A refused delta script. Whatever it was applied to is unchanged. */
export class DeltaError extends Error {
  readonly reason: DeltaErrorReason;
  /** Index of the offending op, when one op is to blame. */
  readonly opIndex?: number;

  constructor(reason: DeltaErrorReason, message: string, opIndex?: number) {
    super(opIndex === undefined ? message : `delta op ${opIndex}: ${message}`);
    this.name = 'DeltaError';
    this.reason = reason;
    if (opIndex !== undefined) this.opIndex = opIndex;
  }
}

/**
 * The text a script is validated against, in old-text coordinates. `locate` is called
 * with non-decreasing unit positions during one validation (implementations may rely on
 * that to walk forward).
 */
export interface OldText {
  readonly utf16Length: number;
  /** UTF-16 offset of the boundary `u` units from the start, or -1 past the end. */
  locate(u: number): number;
  charCodeAt(i: number): number;
  slice(start: number, end: number): string;
}

/**
 * One contiguous replacement in old coordinates: old[a, z) becomes t. `ua`/`uz` are the
 * same positions in units. Edits are sorted and never touch: an edit that starts where the
 * previous one ended is merged into it.
 */
export interface Edit {
  readonly a: number;
  z: number;
  t: string;
  readonly ua: number;
  uz: number;
}

/** The unit asked for (`grapheme` when absent); an unknown unit is a caller's bug: throws. */
export function requireDeltaUnit(unit: unknown): DeltaUnit {
  if (unit === undefined) return 'grapheme';
  if (isDeltaUnit(unit)) return unit;
  throw new RangeError(`unknown delta unit ${JSON.stringify(unit)} (expected grapheme, codepoint or utf16)`);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Validates a whole script against `old` and turns it into edits, without touching
 * anything: the caller builds the new text only once this returns, so a bad op anywhere
 * leaves the text as it was.
 */
export function compileScript(deltas: unknown, old: OldText, unit: DeltaUnit): Edit[] {
  if (!Array.isArray(deltas)) {
    throw new DeltaError('not-a-list', `deltas must be an array, got ${describe(deltas)}`);
  }
  if (deltas.length > MAX_OPS) {
    throw new DeltaError('too-many-ops', `a script may hold at most ${MAX_OPS} ops, this one has ${deltas.length}`, MAX_OPS);
  }
  const edits: Edit[] = [];
  let u = 0; // cursor in units of the old text
  let pos = 0; // the same cursor in UTF-16 code units
  let inserted = 0;

  const seek = (target: number, i: number, what: string): number => {
    const p = old.locate(target);
    if (p < 0) {
      throw new DeltaError('past-end', `${what} moves the cursor to ${target}, past the end of the text`, i);
    }
    return p;
  };

  for (let i = 0; i < deltas.length; i++) {
    const op: unknown = deltas[i];
    if (typeof op !== 'object' || op === null || Array.isArray(op)) {
      throw new DeltaError('bad-op', `expected an object {command, value}, got ${describe(op)}`, i);
    }
    const { command, value } = op as { command?: unknown; value?: unknown };
    if (command === undefined || value === undefined) {
      throw new DeltaError('bad-op', `expected an object with "command" and "value"`, i);
    }
    if (command === 'mov') {
      if (!isCount(value)) throw new DeltaError('bad-value', `mov needs an integer >= 0, got ${describe(value)}`, i);
      if (value === 0) continue;
      pos = seek(u + value, i, `mov ${value}`);
      u += value;
    } else if (command === 'del') {
      let end: number;
      let uEnd: number;
      if (typeof value === 'string') {
        if (value === '') continue;
        // The string's length counts in the same unit; the old text there must be exactly it.
        uEnd = u + countUnits(value, unit);
        end = seek(uEnd, i, `del ${JSON.stringify(value)}`);
        if (old.slice(pos, end) !== value) {
          throw new DeltaError('del-mismatch', `del ${JSON.stringify(value)} does not match the text at ${u}`, i);
        }
      } else {
        if (!isCount(value)) {
          throw new DeltaError('bad-value', `del needs an integer >= 0 or a string, got ${describe(value)}`, i);
        }
        if (value === 0) continue;
        uEnd = u + value;
        end = seek(uEnd, i, `del ${value}`);
      }
      const last = edits[edits.length - 1];
      if (last !== undefined && last.z === pos) {
        last.z = end;
        last.uz = uEnd;
      } else {
        edits.push({ a: pos, z: end, t: '', ua: u, uz: uEnd });
      }
      pos = end;
      u = uEnd;
    } else if (command === 'ins') {
      if (typeof value !== 'string') throw new DeltaError('bad-value', `ins needs a string, got ${describe(value)}`, i);
      if (value === '') continue;
      inserted += value.length;
      if (inserted > MAX_INSERT) {
        throw new DeltaError(
          'insert-too-large',
          `a script may insert at most ${MAX_INSERT} UTF-16 code units, this one reaches ${inserted}`,
          i,
        );
      }
      // utf16: an insert may carry one half of a pair whose other half is already in
      // the text (a UTF-16 differ does that); the result is checked below instead.
      if (unit !== 'utf16' && hasLoneSurrogate(value)) {
        throw new DeltaError('split-surrogate', 'ins value holds a lone surrogate', i);
      }
      const last = edits[edits.length - 1];
      if (last !== undefined && last.z === pos) last.t += value;
      else edits.push({ a: pos, z: pos, t: value, ua: u, uz: u });
    } else {
      throw new DeltaError('unknown-command', `unknown command ${describe(command)} (expected mov, ins or del)`, i);
    }
  }
  if (unit === 'utf16') checkNoNewLoneSurrogate(edits, old);
  return edits;
}

/**
 * utf16 unit: positions count code units, so a cursor may stop between the two halves of
 * a surrogate pair, and an `ins` may carry one half. A UTF-16 differ (any JavaScript
 * backend) does exactly that when two emoji share a high surrogate ("😀" -> "😃": keep
 * \uD83D, replace the low half). What matters is the result: it must hold no lone
 * surrogate that was not already in the old text.
 *
 * The new text is the old text's kept stretches and the inserted strings, in order. A
 * code unit inside a kept stretch keeps both neighbours, so its status cannot change:
 * only the first and last code unit of each kept stretch and every code unit of an insert
 * need looking at. Cost: O(edits + inserted length), never the whole text.
 */
function checkNoNewLoneSurrogate(edits: readonly Edit[], old: OldText): void {
  // The new text as pieces: [start, end) of the old text (kept) or a string (inserted).
  type Piece = { readonly a: number; readonly z: number } | string;
  const pieces: Piece[] = [];
  let pos = 0;
  for (const e of edits) {
    if (e.a > pos) pieces.push({ a: pos, z: e.a });
    if (e.t !== '') pieces.push(e.t);
    pos = e.z;
  }
  if (old.utf16Length > pos) pieces.push({ a: pos, z: old.utf16Length });

  const unitAt = (k: number, end: 'first' | 'last'): number => {
    const p = pieces[k];
    if (p === undefined) return NaN;
    if (typeof p === 'string') return p.charCodeAt(end === 'first' ? 0 : p.length - 1);
    return old.charCodeAt(end === 'first' ? p.a : p.z - 1);
  };
  // Is the code unit c lone, given the code units before and after it (NaN: none)?
  const lone = (before: number, c: number, after: number): boolean =>
    (isHighSurrogate(c) && !isLowSurrogate(after)) || (isLowSurrogate(c) && !isHighSurrogate(before));

  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k] as Piece;
    const prev = unitAt(k - 1, 'last');
    const next = unitAt(k + 1, 'first');
    if (typeof p === 'string') {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        const before = i > 0 ? p.charCodeAt(i - 1) : prev;
        const after = i + 1 < p.length ? p.charCodeAt(i + 1) : next;
        if (lone(before, c, after)) {
          throw new DeltaError(
            'split-surrogate',
            `the result would hold a lone surrogate inserted at ${i} of ${JSON.stringify(p.length > 40 ? `${p.slice(0, 40)}…` : p)}`,
          );
        }
      }
      continue;
    }
    // Kept stretch: its first and last code unit, with new neighbours on the outside.
    for (const at of p.z - p.a === 1 ? [p.a] : [p.a, p.z - 1]) {
      const c = old.charCodeAt(at);
      if (c < 0xd800 || c > 0xdfff) continue;
      const before = at === p.a ? prev : old.charCodeAt(at - 1);
      const after = at === p.z - 1 ? next : old.charCodeAt(at + 1);
      if (lone(before, c, after) && !lone(old.charCodeAt(at - 1), c, old.charCodeAt(at + 1))) {
        throw new DeltaError('split-surrogate', `the result would leave a lone surrogate at ${at} of the old text`);
      }
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  const primitive = v as number | boolean | bigint | symbol | undefined;
  return `${typeof v} ${String(primitive)}`;
}
