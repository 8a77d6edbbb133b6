// The core's share of the hot path, in Node: decode (SSE bytes -> wire objects), parse
// (wire -> Chunk), reduce (deltas applied through LiveText), per chunk, at 20 KB and 200 KB.
// `node bench/core.js` after a build. Flat per-chunk cost across sizes is the goal.
import { marked } from 'marked';
import { corpusMarkdown } from './corpus.js';
const { generateAnswerStream } = await import(new URL('../dist/mock-platform.js', import.meta.url).href);
const core = await import(new URL('../dist/core.js', import.meta.url).href);
for (const size of [20000, 200000]) {
  const steps = generateAnswerStream(
    corpusMarkdown(size, (m) => marked.parse(m, { async: false })),
    { unit: 'grapheme' },
  );
  const enc = new TextEncoder();
  const frames = [
    enc.encode(`data: ${JSON.stringify({ type: 'processing.start' })}\n\n`),
    enc.encode(`data: ${JSON.stringify({ type: 'generation.start', data: { generation_id: 1 } })}\n\n`),
  ];
  for (const s of steps)
    frames.push(
      enc.encode(`data: ${JSON.stringify({ type: 'generation.chunk', data: { chunk: s.chunk, deltas: s.deltas, generation_id: 1 } })}\n\n`),
    );
  async function* src() {
    for (const f of frames) yield f;
  }
  let t = performance.now();
  let n = 0;
  for await (const _ of core.decodeChunks(src(), { maxTotalBytes: 1e9 })) n++;
  const dec = performance.now() - t;
  const wires = [];
  for await (const w of core.decodeChunks(src(), { maxTotalBytes: 1e9 })) wires.push(w);
  t = performance.now();
  const chunks = wires.map(core.parseChunk);
  const par = performance.now() - t;
  let tr = core.createTranscript({ deltaUnit: 'grapheme' });
  tr = core.reduce(tr, { type: 'send', data: { type: 'text', text: 'hi' }, at: 0 });
  t = performance.now();
  for (const c of chunks) tr = core.reduce(tr, { type: 'chunk', chunk: c, at: 1 });
  const red = performance.now() - t;
  let lt = core.createLiveText('grapheme');
  t = performance.now();
  for (const s of steps) lt = lt.apply(s.deltas);
  const live = performance.now() - t;
  const last = tr.messages.at(-1).blocks.at(-1);
  console.log(
    size,
    'chunks',
    steps.length,
    'us/chunk: decode',
    ((1000 * dec) / n).toFixed(1),
    'parse',
    ((1000 * par) / n).toFixed(1),
    'reduce',
    ((1000 * red) / n).toFixed(1),
    '(LiveText alone',
    ((1000 * live) / n).toFixed(1),
    ') ok',
    String(last.live) === steps.at(-1).html,
  );
}
