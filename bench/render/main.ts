// In-page half of `npm run bench`: streams a corpus of generation chunks at a fixed rate
// (a) through the real <indigo-chat> element, fed by an in-page fetch (no network), and
// (b) through the naive renderer every popular widget uses (sanitize all + innerHTML per chunk),
// fed by the same in-page stream, (c) the harness alone (pacing + stream, read and dropped), and
// (d) `core`: the widget's transport and reducer on that stream, nothing rendered.
import DOMPurify from 'dompurify';
import '../../src/define.js';
import { applyDeltas, createTranscript, reduce } from '../../src/core/index.js';
import { streamReply } from '../../src/transport/transport.js';
import { sanitizeToFragment } from '../../src/html/sanitize.js';
import { afterFinalCommits } from '../../src/html/streaming-html.js';

interface Step {
  chunk: string;
  deltas: { command: string; value: number | string }[];
  html: string;
}
interface Result {
  chunks: number;
  chunksApplied: number;
  wallMs: number;
  lagMs: number;
  longTasks: number;
  longTaskMs: number;
  p95FrameMs: number;
  framesOver50: number;
  commits: number;
  selectionPreserved: boolean;
  finalHtmlCorrect: boolean;
}

const enc = new TextEncoder();
const frame = (o: unknown) => enc.encode(`data: ${JSON.stringify(o)}\n\n`);

function observeFrames() {
  // The measured window, for the bench's trace (long tasks by CPU time): marks are trace events.
  performance.mark('bench-start');
  const intervals: number[] = [];
  let last = performance.now();
  let on = true;
  const tick = (t: number) => {
    intervals.push(t - last);
    last = t;
    if (on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const longs: PerformanceEntry[] = [];
  const po = new PerformanceObserver((l) => longs.push(...l.getEntries()));
  po.observe({ type: 'longtask' });
  return () => {
    performance.mark('bench-end');
    on = false;
    po.disconnect();
    const sorted = [...intervals].sort((a, b) => a - b);
    return {
      longTasks: longs.length,
      longTaskMs: longs.reduce((s, e) => s + e.duration, 0),
      p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
      framesOver50: intervals.filter((i) => i > 50).length,
    };
  };
}

/**
 * Calls onChunk(i) for each step on a schedule of `rate` chunks/s, then onTick() once per
 * timer tick (a network read delivers every chunk that arrived since the last one);
 * stops at the deadline.
 */
function pace(n: number, rate: number, deadlineMs: number, onChunk: (i: number) => void, onTick: () => void = () => {}): Promise<number> {
  return new Promise((done) => {
    const t0 = performance.now();
    let i = 0;
    const loop = () => {
      const now = performance.now();
      if (now - t0 > deadlineMs) return done(i);
      const due = Math.min(n, Math.floor(((now - t0) * rate) / 1000) + 1);
      // The deadline is checked per chunk: a slow renderer must not run far past it.
      while (i < due && performance.now() - t0 <= deadlineMs) onChunk(i++);
      onTick();
      if (i >= n) return done(i);
      setTimeout(loop, 1);
    };
    loop();
  });
}

/** Collects SSE frames and hands them to the stream as one read per tick. */
function batcher(controller: () => ReadableStreamDefaultController<Uint8Array>) {
  let parts: string[] = [];
  return {
    add(o: unknown) {
      parts.push(`data: ${JSON.stringify(o)}\n\n`);
    },
    flush() {
      if (parts.length === 0) return;
      controller().enqueue(enc.encode(parts.join('')));
      parts = [];
    },
  };
}

/** A byte stream the page writes into (the in-page network), and its controller. */
function inPageStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
  });
  return { body, controller: () => controller };
}

/**
 * Writes the steps as generation.chunk SSE events at `rate` chunks/s, one read per timer
 * tick; `each(i)` runs after chunk i is written. Resolves to the number written.
 */
function paceSteps(
  steps: Step[],
  rate: number,
  deadlineMs: number,
  controller: () => ReadableStreamDefaultController<Uint8Array>,
  each: (i: number) => void = () => {},
): Promise<number> {
  const batch = batcher(controller);
  return pace(
    steps.length,
    rate,
    deadlineMs,
    (i) => {
      const s = steps[i]!;
      batch.add({ type: 'generation.chunk', data: { chunk: s.chunk, deltas: s.deltas, generation_id: 1 } });
      each(i);
    },
    () => batch.flush(),
  );
}

function normalise(node: Node): string {
  // The streaming view groups settled segments in wrapper divs of its own; compare the content only.
  const div = document.createElement('div');
  const walk = (from: Node, to: Node) => {
    for (const c of Array.from(from.childNodes)) {
      if (c instanceof HTMLElement && c.dataset.segmentGroup !== undefined) walk(c, to);
      else to.appendChild(c.cloneNode(true));
    }
  };
  walk(node, div);
  return div.innerHTML;
}

function expectedHtml(html: string): string {
  const d = document.createElement('div');
  d.appendChild(sanitizeToFragment(html));
  return d.innerHTML;
}

async function runWidget(steps: Step[], rate: number, deadlineMs: number): Promise<Result> {
  // In a real conversation the visitor's question shows its time before any answer ends,
  // so the page has loaded ICU's date data (once per page: ~25 ms, ~110 ms at 4x, the
  // first Intl.DateTimeFormat) before the answer's own time is rendered. Here no question
  // is sent: load it here, tasks before the measured window, or the answer's end pays for it.
  new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short' }).format(0);
  const stage = document.getElementById('stage')!;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const realFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/session'))
      return new Response(JSON.stringify({ sender: 'bench' }), { headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/bench-chat')) {
      const body = new ReadableStream<Uint8Array>({
        start: (c) => {
          controller = c;
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    return realFetch(input, init);
  };
  const el = document.createElement('indigo-chat');
  el.setAttribute('mode', 'inline');
  el.setAttribute('storage', 'none');
  el.setAttribute('relay', '/bench-chat');
  const done = new Promise<void>((resolve) => {
    el.addEventListener('indigo-chat-message', (e) => {
      const d = (e as unknown as CustomEvent<{ direction: string }>).detail;
      if (d.direction === 'in') resolve();
    });
  });
  stage.appendChild(el);
  // eslint-disable-next-line no-unmodified-loop-condition -- set by the stream's start() callback
  while (!controller) await new Promise((r) => setTimeout(r, 5));
  // The visitor is in the chat (as after typing a question), so the answer's end is said by
  // the live region, as it is for them: an inline chat's welcome seen from elsewhere is not.
  el.shadowRoot!.querySelector<HTMLElement>('[part~="input"]')?.focus();
  // Count DOM commits into the answer: one MutationObserver callback per task that changed it.
  let commits = 0;
  const mo = new MutationObserver(() => commits++);
  mo.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });

  const stop = observeFrames();
  const t0 = performance.now();
  controller.enqueue(frame({ type: 'processing.start' }));
  controller.enqueue(frame({ type: 'generation.start', data: { generation_id: 1 } }));
  let range: Range | null = null;
  let selected = '';
  const applied = await paceSteps(
    steps,
    rate,
    deadlineMs,
    () => controller,
    (i) => {
      if (!range && i > steps.length / 10) {
        const p = el.shadowRoot!.querySelector('[part~="message-bot"] [part~="bubble"] p');
        const text = p?.firstChild;
        if (text && text.nodeType === 3 && (text.textContent?.length ?? 0) > 4) {
          range = document.createRange();
          range.setStart(text, 0);
          range.setEnd(text, 4);
          selected = range.toString();
        }
      }
    },
  );
  const lastChunkAt = performance.now();
  controller.enqueue(frame({ type: 'generation.end', data: { generation_id: 1 } }));
  controller.enqueue(frame({ type: 'processing.end' }));
  controller.close();
  await done;
  // The answer's end event comes from the transcript; the element's next render (paced
  // like the streaming ones) commits the final HTML: the answer is shown once it is done.
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  // A long answer's final commit may take a few frames (commit budget): until all is shown.
  await new Promise<void>((r) => afterFinalCommits(r));
  const end = performance.now();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const frames = stop();
  mo.disconnect();
  // Checking the result is the harness's work, not the widget's: a task of its own, after
  // the measured window (the bench counts the tasks that start inside it).
  await new Promise((r) => setTimeout(r, 0));
  const bubble = el.shadowRoot!.querySelectorAll('[part~="message-bot"] [part~="bubble"]');
  const last = bubble[bubble.length - 1]!;
  const container = last.firstElementChild ?? last;
  const finalHtmlCorrect = applied === steps.length && normalise(container) === expectedHtml(steps[steps.length - 1]!.html);
  const r = range as Range | null;
  const selectionPreserved = !!r && r.startContainer.isConnected && r.toString() === selected;
  window.fetch = realFetch;
  el.remove();
  return {
    chunks: steps.length,
    chunksApplied: applied,
    wallMs: end - t0,
    lagMs: end - lastChunkAt,
    commits,
    selectionPreserved,
    finalHtmlCorrect,
    ...frames,
  };
}

/**
 * The naive widget: reads the same in-page SSE stream as ours (so both pay the same
 * harness), and per chunk applies the deltas to one string, re-sanitizes the whole answer
 * and replaces the bubble's DOM (`innerHTML`). Chunks read after the deadline are dropped.
 */
async function runNaive(steps: Step[], rate: number, deadlineMs: number): Promise<Result> {
  const div = document.createElement('div');
  div.id = 'naive';
  document.getElementById('stage')!.appendChild(div);
  const { body, controller } = inPageStream();
  let html = '';
  let commits = 0;
  let applied = 0;
  let range: Range | null = null;
  let selected = '';
  const stop = observeFrames();
  const t0 = performance.now();
  const consumed = (async () => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let pos = 0;
      for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n', pos)) {
        const data = buf.slice(pos + 'data: '.length, cut);
        pos = cut + 2;
        if (performance.now() - t0 > deadlineMs) continue;
        const event = JSON.parse(data) as { data: { deltas: Step['deltas'] } };
        html = applyDeltas(html, event.data.deltas, { unit: 'grapheme' });
        div.innerHTML = DOMPurify.sanitize(html);
        commits++;
        applied++;
        if (!range && applied > steps.length / 10) {
          const text = div.querySelector('p')?.firstChild;
          if (text && text.nodeType === 3 && (text.textContent?.length ?? 0) > 4) {
            range = document.createRange();
            range.setStart(text, 0);
            range.setEnd(text, 4);
            selected = range.toString();
          }
        }
      }
      buf = buf.slice(pos);
    }
  })();
  await paceSteps(steps, rate, deadlineMs, controller);
  controller().close();
  await consumed;
  const end = performance.now();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const frames = stop();
  const r = range as Range | null;
  const selectionPreserved = !!r && r.startContainer.isConnected && r.toString() === selected;
  const finalHtmlCorrect = applied === steps.length && html === steps[steps.length - 1]!.html;
  div.remove();
  return {
    chunks: steps.length,
    chunksApplied: applied,
    wallMs: end - t0,
    lagMs: 0,
    commits,
    selectionPreserved,
    finalHtmlCorrect,
    ...frames,
  };
}

/**
 * The widget's per-chunk work without rendering: the same in-page SSE stream read by the
 * widget's transport (decode, JSON, parse) and reduced into a transcript (deltas applied
 * to the LiveText), nothing drawn. `core` minus `harness` is the widget's JS per chunk;
 * `widget` minus `core` is rendering (the element's renders, the view's commits, the
 * browser's style, layout and paint).
 */
async function runCore(steps: Step[], rate: number, deadlineMs: number): Promise<Result> {
  const { body, controller } = inPageStream();
  let t = reduce(createTranscript({ deltaUnit: 'grapheme' }), { type: 'send', data: { type: 'text', text: 'hi' }, at: 0 });
  const fetchBody = async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  const consumed = streamReply(
    '/bench-core',
    'bench',
    { type: 'text', text: 'hi' },
    {
      fetch: fetchBody,
      onChunk: (chunk) => {
        t = reduce(t, { type: 'chunk', chunk, at: Date.now() });
      },
    },
  );
  const stop = observeFrames();
  const t0 = performance.now();
  controller().enqueue(frame({ type: 'processing.start' }));
  controller().enqueue(frame({ type: 'generation.start', data: { generation_id: 1 } }));
  const applied = await paceSteps(steps, rate, deadlineMs, controller);
  controller().enqueue(frame({ type: 'generation.end', data: { generation_id: 1 } }));
  controller().enqueue(frame({ type: 'processing.end' }));
  controller().close();
  await consumed;
  const end = performance.now();
  const frames = stop();
  const last = t.messages.at(-1);
  const block = last?.role === 'bot' ? last.blocks.at(-1) : undefined;
  const correct = applied === steps.length && block?.kind === 'generation' && String(block.live) === steps[steps.length - 1]!.html;
  return unrendered(steps, applied, end - t0, frames, correct);
}

/** The result of a mode that renders nothing (no commits, no selection to keep). */
function unrendered(
  steps: Step[],
  applied: number,
  wallMs: number,
  frames: ReturnType<ReturnType<typeof observeFrames>>,
  correct: boolean,
): Result {
  return {
    chunks: steps.length,
    chunksApplied: applied,
    wallMs,
    lagMs: 0,
    commits: 0,
    selectionPreserved: false,
    finalHtmlCorrect: correct,
    ...frames,
  };
}

/** The harness alone: the same pacing and in-page SSE stream, read and discarded. */
async function runHarness(steps: Step[], rate: number, deadlineMs: number): Promise<Result> {
  const { body, controller } = inPageStream();
  const reader = body.getReader();
  const drained = (async () => {
    for (;;) if ((await reader.read()).done) return;
  })();
  const stop = observeFrames();
  const t0 = performance.now();
  const applied = await paceSteps(steps, rate, deadlineMs, controller);
  controller().close();
  await drained;
  const end = performance.now();
  return unrendered(steps, applied, end - t0, stop(), false);
}

(globalThis as Record<string, unknown>).runBench = async (
  mode: 'widget' | 'naive' | 'harness' | 'core',
  url: string,
  rate: number,
  deadlineMs: number,
) => {
  const steps = (await (await fetch(url)).json()) as Step[];
  if (mode === 'harness') return runHarness(steps, rate, deadlineMs);
  if (mode === 'core') return runCore(steps, rate, deadlineMs);
  return mode === 'widget' ? runWidget(steps, rate, deadlineMs) : runNaive(steps, rate, deadlineMs);
};
(globalThis as Record<string, unknown>).benchReady = true;
