/**
 * Test helpers for the delta applier: whole-string unit splitting, a Myers-diff script
 * generator (what the platform sends) and a deliberately naive reference applier.
 * Nothing here is shared with the implementation, so the two can disagree.
 */
import { diffArrays } from 'diff';
import { MAX_INSERT, MAX_OPS, type DeltaErrorReason, type DeltaUnit } from './types.js';

export interface Op {
  command: string;
  value: unknown;
}

const refSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The text cut into units by segmenting the whole string at once. */
export function splitUnits(s: string, unit: DeltaUnit): string[] {
  if (unit === 'utf16') return s.split('');
  if (unit === 'codepoint') return Array.from(s);
  return Array.from(refSegmenter.segment(s), (x) => x.segment);
}

/** For utf16 scripts that never split a pair: diff code points, count UTF-16 lengths. */
export type ScriptMode = DeltaUnit | 'utf16-by-codepoint';

/**
 * A mov/ins/del script turning `a` into `b`, from jsdiff's Myers diff over the units of
 * each string. Common prefix and suffix are trimmed first, as the platform's generator
 * does. `stringDel` emits deletions as `del "text"` instead of a count.
 */
export function scriptFromDiff(a: string, b: string, mode: ScriptMode, stringDel = false): Op[] {
  const unit: DeltaUnit = mode === 'utf16-by-codepoint' ? 'codepoint' : mode;
  const size = (tokens: string[]): number => (mode === 'utf16-by-codepoint' ? tokens.join('').length : tokens.length);
  const ta = splitUnits(a, unit);
  const tb = splitUnits(b, unit);
  let pre = 0;
  while (pre < ta.length && pre < tb.length && ta[pre] === tb[pre]) pre++;
  let suf = 0;
  while (suf < ta.length - pre && suf < tb.length - pre && ta[ta.length - 1 - suf] === tb[tb.length - 1 - suf]) {
    suf++;
  }
  const ops: Op[] = [];
  if (pre > 0) ops.push({ command: 'mov', value: size(ta.slice(0, pre)) });
  const changes = diffArrays(ta.slice(pre, ta.length - suf), tb.slice(pre, tb.length - suf));
  for (const c of changes) {
    if (c.added) ops.push({ command: 'ins', value: c.value.join('') });
    else if (c.removed) {
      ops.push({ command: 'del', value: stringDel ? c.value.join('') : size(c.value) });
    } else ops.push({ command: 'mov', value: size(c.value) });
  }
  // The suffix is kept implicitly: text after the last op stays.
  return ops;
}

export class RefError extends Error {
  constructor(
    readonly reason: DeltaErrorReason,
    readonly opIndex?: number,
  ) {
    super(reason);
  }
}

function lone(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** The spec, written the slow obvious way: whole-string units, then a cursor over them. */
export function referenceApply(text: string, deltas: unknown, unit: DeltaUnit): string {
  if (!Array.isArray(deltas)) throw new RefError('not-a-list');
  if (deltas.length > MAX_OPS) throw new RefError('too-many-ops', MAX_OPS);
  const units = splitUnits(text, unit);
  const offsets = [0];
  for (const x of units) offsets.push((offsets[offsets.length - 1] as number) + x.length);
  let out = '';
  // utf16: which old code unit each output code unit came from (-1: inserted).
  const origin: number[] = [];
  let cur = 0;
  let inserted = 0;
  deltas.forEach((op: unknown, i) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) throw new RefError('bad-op', i);
    const { command, value } = op as Record<string, unknown>;
    if (command === undefined || value === undefined) throw new RefError('bad-op', i);
    const count = typeof value === 'number' && Number.isInteger(value) && value >= 0;
    if (command === 'mov' || (command === 'del' && typeof value !== 'string')) {
      if (!count) throw new RefError('bad-value', i);
      const n = value;
      if (cur + n > units.length) throw new RefError('past-end', i);
      if (command === 'mov') {
        out += units.slice(cur, cur + n).join('');
        for (let k = offsets[cur] as number; k < (offsets[cur + n] as number); k++) origin.push(k);
      }
      cur += n;
    } else if (command === 'del') {
      const s = value as string;
      const n = splitUnits(s, unit).length;
      if (cur + n > units.length) throw new RefError('past-end', i);
      if (units.slice(cur, cur + n).join('') !== s) throw new RefError('del-mismatch', i);
      cur += n;
    } else if (command === 'ins') {
      if (typeof value !== 'string') throw new RefError('bad-value', i);
      inserted += value.length;
      if (inserted > MAX_INSERT) throw new RefError('insert-too-large', i);
      if (unit !== 'utf16' && lone(value)) throw new RefError('split-surrogate', i);
      out += value;
      for (let k = 0; k < value.length; k++) origin.push(-1);
    } else {
      throw new RefError('unknown-command', i);
    }
  });
  const rest = offsets[cur] as number;
  out += text.slice(rest);
  for (let k = rest; k < text.length; k++) origin.push(k);
  if (unit === 'utf16') {
    // The spec for utf16: any cursor position is fine; the result may hold no lone
    // surrogate that was not there before (inserted, or a kept half that lost its pair).
    for (let k = 0; k < out.length; k++) {
      if (!loneAt(out, k)) continue;
      const from = origin[k] as number;
      if (from < 0 || !loneAt(text, from)) throw new RefError('split-surrogate');
    }
  }
  return out;
}

function loneAt(s: string, k: number): boolean {
  const c = s.charCodeAt(k);
  if (c >= 0xd800 && c <= 0xdbff) return !/[\uDC00-\uDFFF]/.test(s.charAt(k + 1));
  if (c >= 0xdc00 && c <= 0xdfff) return k === 0 || !/[\uD800-\uDBFF]/.test(s.charAt(k - 1));
  return false;
}

/**
 * Building blocks for strings that stress grapheme boundaries: ZWJ families, skin tones
 * (also alone, to attach to whatever precedes), flag halves that pair up differently
 * depending on what precedes, combining marks, CRLF halves, CJK, Indic conjuncts, HTML.
 */
export const TOKENS: readonly string[] = [
  'a',
  'b',
  'c',
  ' ',
  'x',
  'Z',
  '.',
  'è',
  'à',
  'ò',
  'perché',
  'città',
  'e\u0301',
  '\u0301',
  '\u0308',
  '👨\u200d👩\u200d👧',
  '\u200d',
  '👩',
  '👍',
  '👍🏽',
  '🏽',
  '🇮',
  '🇹',
  '🇫',
  '🇷',
  '🇮🇹',
  '🇫🇷',
  '💡',
  '©',
  '中',
  '文',
  '한',
  '\u1100',
  '\u1161',
  'क',
  '्',
  'ष',
  'ि',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '<p>',
  '</p>',
  '<strong>',
  '</strong>',
  '<em>',
  '&amp;',
  '<br>',
  '\n\n',
  'Hello ',
  'world',
  '\u0600',
  '\uFE0F',
  '❤',
  '1',
  '#',
  '*',
];
