import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { marked } from 'marked';
import { DELTA_UNITS } from '../core/delta/types.js';
import { generateAnswerStream, generateAnswerSteps, tokenizeMarkdown, diffToDeltas } from './generate.js';
import { scenarios, LONG_ANSWER, MEDIUM_ANSWER } from './scenarios.js';
import { applyDeltas } from '../core/delta/apply.js';
import { createLiveText } from '../core/delta/live-text.js';

const parse = (md: string): string => marked.parse(md, { async: false });
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Every markdown answer the scenario table can generate. */
function scenarioAnswers(): { name: string; markdown: string }[] {
  const out: { name: string; markdown: string }[] = [];
  const visit = (name: string, steps: readonly object[]): void => {
    for (const s of steps) if ('generate' in s) out.push({ name, markdown: (s as { generate: string }).generate });
  };
  for (const [k, v] of Object.entries(scenarios.payloads)) if (k !== 'long' && k !== 'medium') visit(k, v.steps); // big ones: sampled below
  scenarios.freeText.en.forEach((s, i) => visit(`free-en-${i}`, s.steps));
  scenarios.freeText.it.forEach((s, i) => visit(`free-it-${i}`, s.steps));
  return out;
}

/** Applies every step's deltas in order and checks the HTML after each step. */
function checkStream(markdown: string, unit: (typeof DELTA_UNITS)[number], everyStepAgainstMarked = true): number {
  const steps = generateAnswerStream(markdown, { unit });
  let html = '';
  let source = '';
  let dels = 0;
  for (const s of steps) {
    html = applyDeltas(html, s.deltas, { unit });
    source += s.chunk;
    expect(html).toBe(s.html);
    // The incremental renderer (frozen blocks + live tail) must equal a full render.
    if (everyStepAgainstMarked) expect(s.html).toBe(parse(source));
    if (s.deltas.some((d) => d.command === 'del')) dels++;
  }
  expect(source).toBe(markdown);
  expect(html).toBe(parse(markdown));
  return dels;
}

describe('generateAnswerStream', () => {
  for (const { name, markdown } of scenarioAnswers()) {
    for (const unit of DELTA_UNITS) {
      test(`${name} in ${unit}: deltas rebuild each step's HTML and the final marked HTML`, () => {
        const dels = checkStream(markdown, unit);
        // Earlier HTML really gets rewritten (`**bo` -> `<strong>bold</strong>`).
        expect(dels).toBeGreaterThan(0);
      });
    }
  }

  test('random markdown-ish texts, every unit', () => {
    const piece = fc.constantFrom(
      'word',
      ' ',
      'Hello',
      ' wörld',
      '**',
      '*',
      '_',
      '`',
      '#',
      '## ',
      '- ',
      '1. ',
      '\n',
      '\n\n',
      '|',
      '|---|',
      ' | ',
      '```',
      '```js\n',
      '> ',
      '    ',
      '[a link](https://indigo.ai)',
      '👩‍💻',
      '🇮🇹',
      '👨‍👩‍👧‍👦',
      'e\u0301',
      '😀',
      '---',
      '~~',
      '<b>',
      '&amp;',
      '\\',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 60 }), fc.constantFrom(...DELTA_UNITS), (pieces, unit) => {
        checkStream(pieces.join(''), unit);
      }),
      { numRuns: Number(process.env['MOCK_FUZZ_RUNS'] ?? 300) },
    );
  });

  test.each([
    ['~200 KB', LONG_ANSWER, 190_000, 100_000],
    ['~20 KB', MEDIUM_ANSWER, 19_000, 10_000],
  ])(
    'the %s answer: deltas rebuild the final HTML (sampled steps checked against marked)',
    (_name, answer, minLength, minLateMov) => {
      expect(answer.length).toBeGreaterThan(minLength);
      let live = createLiveText('grapheme');
      let source = '';
      let i = 0;
      let lastStepFirstMov = 0;
      for (const s of generateAnswerSteps(answer)) {
        live = live.apply(s.deltas);
        source += s.chunk;
        if (i++ % 1000 === 0) {
          expect(live.toString()).toBe(s.html);
          expect(s.html).toBe(parse(source));
        }
        const first = s.deltas[0];
        if (first?.command === 'mov') lastStepFirstMov = first.value as number;
      }
      expect(live.toString()).toBe(parse(answer));
      // Late tokens keep the frozen prefix with one `mov`, not a rewrite of the answer.
      expect(lastStepFirstMov).toBeGreaterThan(minLateMov);
    },
    120_000,
  );

  test.each([
    ['trailing spaces are not a blank line', ['1.', ' word', '    \n#', 'word']],
    ['an ordered list continued after a blank line', ['1. a', '\n\n', '2', '. b', '\n\n', 'c']],
    ['a paragraph becoming a list item', ['- a', '\n\n', 'x', '\n\n', '-', ' b']],
  ])('freezing never changes the result: %s', (_name, tokens) => {
    const steps = generateAnswerStream(tokens.join(''), { tokens });
    let source = '';
    let html = '';
    for (const s of steps) {
      source += s.chunk;
      html = applyDeltas(html, s.deltas, { unit: 'grapheme' });
      expect(s.html).toBe(parse(source));
      expect(html).toBe(s.html);
    }
  });

  test('explicit tokens are used as chunks and must concatenate to the markdown', () => {
    const steps = generateAnswerStream('Hi **there**', { tokens: ['Hi ', '**th', 'ere**'] });
    expect(steps.map((s) => s.chunk)).toEqual(['Hi ', '**th', 'ere**']);
    expect(steps[2]?.html).toBe('<p>Hi <strong>there</strong></p>\n');
    expect(() => generateAnswerStream('abc', { tokens: ['ab'] })).toThrow(/concatenate/);
  });

  test('an unclosed **bo renders literally, then becomes <strong> with a del', () => {
    const steps = generateAnswerStream('a **bold** b', { tokens: ['a **bo', 'ld**', ' b'] });
    expect(steps[0]?.html).toBe('<p>a **bo</p>\n');
    expect(steps[1]?.html).toBe('<p>a <strong>bold</strong></p>\n');
    expect(steps[1]?.deltas.some((d) => d.command === 'del')).toBe(true);
  });
});

describe('tokenizeMarkdown', () => {
  test('tokens concatenate to the input and never split a grapheme (ZWJ emoji, flags, combining marks)', () => {
    const text = 'Team 👨‍👩‍👧‍👦 from 🇮🇹 and 🏳️‍🌈, café (cafe\u0301) ok 👍🏽!\n\n- **bold** `code`';
    const tokens = tokenizeMarkdown(text);
    expect(tokens.join('')).toBe(text);
    const boundaries = new Set<number>([0]);
    for (const g of graphemes.segment(text)) boundaries.add(g.index + g.segment.length);
    let at = 0;
    for (const t of tokens) {
      at += t.length;
      expect(boundaries.has(at)).toBe(true);
    }
    for (const emoji of ['👨‍👩‍👧‍👦', '🇮🇹', '🏳️‍🌈', '👍🏽']) expect(tokens.some((t) => t.includes(emoji))).toBe(true);
  });

  test('word-ish: whitespace leads, short words whole, long words in pieces of at most 6', () => {
    const tokens = tokenizeMarkdown('The quick brown fox, internationalization!');
    expect(tokens.slice(0, 4)).toEqual(['The', ' quick', ' brown', ' fox']);
    expect(tokens).toContain(',');
    const long = tokens.slice(5, -1);
    expect(long.join('')).toBe(' internationalization');
    expect(long.length).toBeGreaterThan(3);
    expect(long.every((t) => t.trim().length <= 6)).toBe(true);
    expect(tokens.every((t) => !/\S\s+$/.test(t))).toBe(true);
  });
});

describe('diffToDeltas', () => {
  test('counts in the unit: a flag is 1 grapheme, 2 code points, 4 UTF-16 units', () => {
    expect(diffToDeltas('🇮🇹a', '🇮🇹b', 'grapheme')).toEqual([
      { command: 'mov', value: 1 },
      { command: 'del', value: 1 },
      { command: 'ins', value: 'b' },
    ]);
    expect(diffToDeltas('🇮🇹a', '🇮🇹b', 'codepoint')[0]).toEqual({ command: 'mov', value: 2 });
    expect(diffToDeltas('🇮🇹a', '🇮🇹b', 'utf16')[0]).toEqual({ command: 'mov', value: 4 });
  });

  test('utf16 edits never split a surrogate pair', () => {
    // 😀 and 😃 share their high surrogate: a per-code-unit diff would keep half a pair.
    const d = diffToDeltas('x😀', 'x😃', 'utf16');
    expect(applyDeltas('x😀', d, { unit: 'utf16' })).toBe('x😃');
    expect(d).toEqual([
      { command: 'mov', value: 1 },
      { command: 'del', value: 2 },
      { command: 'ins', value: '😃' },
    ]);
  });

  test('no trailing mov; identical texts give no ops', () => {
    expect(diffToDeltas('abc', 'abc', 'grapheme')).toEqual([]);
    expect(diffToDeltas('abc', 'aXc', 'grapheme')).toEqual([
      { command: 'mov', value: 1 },
      { command: 'del', value: 1 },
      { command: 'ins', value: 'X' },
    ]);
  });
});
