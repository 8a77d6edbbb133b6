/**
 * Test fixtures for the protocol tests: the seed's chunk examples (the platform's Chat API
 * page, see docs/protocol.md; with the page's own defects kept), chunks with awkward strings, and encoders for every framing
 * variant the decoder must accept. Test-only; not exported from the package.
 */

/** Every example of the seed page's chunk table, shapes as published (valid JSON). */
export const SEED_EXAMPLES = {
  processingStart: { type: 'processing.start' },
  processingEnd: { type: 'processing.end' },
  text: {
    type: 'text',
    data: { is_caption: false, text: '<p class="slate-p">Hi 👋I’m your virtual assistant</p><p>' },
    is_generated: false,
  },
  image: { type: 'image', data: { alt: 'An alt text', src: 'https://platform.indigo.ai/…/image_1.jpg' } },
  video: { type: 'video', data: { alt: 'An alt text', src: 'https://platform.indigo.ai/…/video_1.jpg' } },
  button: { type: 'button', data: { label: 'Click here', payload: 'target_answer_label' } },
  link: { type: 'link', data: { label: 'Visit our website', url: 'https://indigo.ai' } },
  generationStart: { type: 'generation.start', data: { generation_id: 1234 } },
  // The seed's generation.end example says generation.start (copy error); this is the fixed one.
  generationEnd: { type: 'generation.end', data: { generation_id: 1234 } },
  generationChunk: {
    type: 'generation.chunk',
    data: {
      chunk: '!',
      deltas: [
        { command: 'mov', value: 90 },
        { command: 'ins', value: '!' },
      ],
      generation_id: 1271,
    },
  },
  carouselStart: { type: 'carousel.start', data: { carousel_id: 1234 } },
  carouselEnd: { type: 'carousel.end', data: { carousel_id: 1234 } },
  cardStart: {
    type: 'carousel.card.start',
    card_index: 1,
    carousel_id: 1234,
    data: { description: 'A card', image: null, title: 'Card 1' },
  },
  cardEnd: { type: 'carousel.card.end', card_index: 1, carousel_id: 1234 },
  // The seed writes `"payload": target_answer_label` unquoted (not JSON); a string here.
  cardButton: {
    type: 'carousel.card.button',
    card_index: 1,
    carousel_id: 1234,
    data: { label: 'Button Label', payload: 'target_answer_label' },
  },
  cardLink: {
    type: 'carousel.card.link',
    card_index: 1,
    carousel_id: 1234,
    data: { label: 'Visit our website', url: 'https://indigo.ai' },
  },
} as const;

/** Chunks whose strings stress framing: emoji, ZWJ, CJK, braces, quotes, escapes, separators. */
export const TRICKY_CHUNKS: readonly object[] = [
  ...Object.values(SEED_EXAMPLES),
  { type: 'text', data: { text: '<p>👩‍👩‍👧‍👦 family, 🇮🇹 flag, e\u0301 combining</p>', is_caption: true }, is_generated: true },
  { type: 'text', data: { text: '中文字符 日本語 한국어 — ünïcödé' } },
  { type: 'text', data: { text: 'braces }{ and {"nested": "json"} and ][' } },
  { type: 'text', data: { text: 'quote \\" escaped \\\\" backslash \\ end\\' } },
  { type: 'text', data: { text: 'line\nbreak\r\ncrlf\rcr\ttab' } },
  { type: 'text', data: { text: 'data: {"fake": "sse"}\n\ndata: [DONE]\n\n: comment' } },
  { type: 'text', data: { text: 'separators \u2028 and \u2029 and \u0085 and \u0000 nul' } },
  { type: 'text', data: { text: '"}' } },
  { type: 'text', data: { text: '\\' } },
  { type: 'text', data: { text: '' } },
  {
    type: 'generation.chunk',
    data: {
      chunk: '**bo',
      deltas: [
        { command: 'del', value: 3 },
        { command: 'ins', value: '<strong>😀</strong>' },
      ],
      generation_id: '42',
    },
  },
  { type: 'link', data: { label: 'Call us', url: 'tel: +39 333 333 3333' } },
  {
    type: 'carousel.card.start',
    card_index: 2,
    carousel_id: 7,
    data: { title: 'Ⓣ', description: '{}', image: { src: 'https://x/y.png', alt: '[]' } },
  },
  { type: 'future.thing', nested: { deep: [1, { a: [] }, null, true, false, -1.5e10] }, empty: {}, list: [] },
];

export type Encoding = { readonly name: string; readonly encode: (chunks: readonly object[]) => string };

const json = (c: object): string => JSON.stringify(c);
const pretty = (c: object): string => JSON.stringify(c, null, 2);

/** Every framing variant the decoder must accept, each yielding exactly the given chunks. */
export const ENCODINGS: readonly Encoding[] = [
  { name: 'SSE LF', encode: (cs) => cs.map((c) => `data: ${json(c)}\n\n`).join('') },
  { name: 'SSE CRLF', encode: (cs) => cs.map((c) => `data: ${json(c)}\r\n\r\n`).join('') },
  { name: 'SSE CR', encode: (cs) => cs.map((c) => `data: ${json(c)}\r\r`).join('') },
  { name: 'SSE no space after colon', encode: (cs) => cs.map((c) => `data:${json(c)}\n\n`).join('') },
  {
    name: 'SSE with comments, event/id/retry fields and [DONE]',
    encode: (cs) =>
      ': welcome\n\nretry: 3000\n\n' +
      cs.map((c, i) => `: ping\nevent: message\nid: ${i}\r\ndata: ${json(c)}\nretry: 10\n\n:keep-alive\r\n\r\n`).join('') +
      'event: done\ndata: [DONE]\n\n',
  },
  {
    name: 'SSE multi-line data (pretty JSON across data: lines)',
    encode: (cs) =>
      cs
        .map(
          (c) =>
            pretty(c)
              .split('\n')
              .map((l, i) => (i % 2 ? `data: ${l}` : `data:${l}`))
              .join('\n') + '\n\n',
        )
        .join(''),
  },
  {
    name: 'SSE multi-line data, CRLF',
    encode: (cs) =>
      cs
        .map(
          (c) =>
            pretty(c)
              .split('\n')
              .map((l) => `data: ${l}\r\n`)
              .join('') + '\r\n',
        )
        .join(''),
  },
  { name: 'SSE without trailing blank line', encode: (cs) => cs.map((c) => `data: ${json(c)}`).join('\n\n') },
  { name: 'SSE final event ends with one newline', encode: (cs) => cs.map((c) => `data: ${json(c)}\n`).join('\n') },
  { name: 'SSE with BOM and leading blank lines', encode: (cs) => '\uFEFF\n\n' + cs.map((c) => `data: ${json(c)}\n\n`).join('') },
  { name: 'NDJSON', encode: (cs) => cs.map((c) => json(c) + '\n').join('') },
  { name: 'NDJSON without final newline', encode: (cs) => cs.map(json).join('\n') },
  { name: 'NDJSON CRLF', encode: (cs) => cs.map((c) => json(c) + '\r\n').join('') },
  { name: 'NDJSON with blank lines and BOM', encode: (cs) => '\uFEFF\r\n' + cs.map((c) => json(c) + '\n\n').join('') },
  { name: 'concatenated, no separator', encode: (cs) => cs.map(json).join('') },
  { name: 'concatenated, whitespace', encode: (cs) => cs.map(json).join(' \t ') },
  { name: 'concatenated, commas', encode: (cs) => cs.map(json).join(',\n') },
  { name: 'concatenated, pretty', encode: (cs) => cs.map(pretty).join('\n') },
  { name: 'JSON array, compact', encode: (cs) => json(cs) },
  { name: 'JSON array, pretty', encode: (cs) => pretty(cs) + '\n' },
  { name: 'JSON array, no closing bracket yet', encode: (cs) => '[' + cs.map(json).join(',') },
];

/** mulberry32: a small seeded PRNG so "random" splits are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `bytes` at the given offsets (any order, duplicates and out-of-range ignored). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  out.push(bytes.slice(prev));
  return out;
}

export function randomSplit(bytes: Uint8Array, random: () => number, maxPieces = 40): Uint8Array[] {
  const n = 1 + Math.floor(random() * maxPieces);
  const cuts = Array.from({ length: n }, () => Math.floor(random() * bytes.length));
  return splitAt(bytes, cuts);
}

export function streamOf(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[i++];
      if (piece === undefined) controller.close();
      else controller.enqueue(piece);
    },
  });
}

export async function* iterableOf(pieces: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of pieces) yield p;
}
