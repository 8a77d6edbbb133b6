/**
 * The one interpreter from scenario steps to wire chunks, and the paced, fault-injecting
 * byte stream that carries them. Web-standard only (ReadableStream, TextEncoder,
 * setTimeout): it runs in Node, in the relay and in the browser under msw.
 */
import { encodeArrayEnd, encodeFrame } from '../core/protocol/encode.js';
import type { Framing } from '../core/protocol/types.js';
import type { DeltaUnit } from '../core/delta/types.js';
import { generateAnswerSteps } from './generate.js';
import type { CardSpec, LinkSpec, MediaSpec, Step } from './scenarios.js';
import { yieldToEventLoop } from '../core/yield.js';

export type MockFault =
  | { kind: 'stall'; afterChunks: number }
  | { kind: 'cut'; afterChunks: number }
  | { kind: 'invalid-line'; atChunk: number }
  | { kind: 'no-end' }
  | { kind: 'status'; status: number }
  | { kind: 'html' };

export type WireObject = Record<string, unknown>;

/** How long to wait before a chunk, in realtime mode. */
export type Pace = 'none' | 'block' | 'token';

export interface PacedChunk {
  readonly chunk: WireObject;
  readonly pace: Pace;
}

export interface InterpretContext {
  readonly mediaBase: string;
  readonly unit: DeltaUnit;
  /** Numeric ids for generations and carousels (the seed's examples use numbers). */
  nextId(): number;
}

/** `media:x` -> `${mediaBase}/x`; anything else unchanged. */
export function resolveMedia(src: string, mediaBase: string): string {
  return src.startsWith('media:') ? `${mediaBase.replace(/\/+$/, '')}/${src.slice('media:'.length)}` : src;
}

function linkChunk(link: LinkSpec): WireObject {
  return { type: link.wireType, data: { label: link.label, url: link.url } };
}

function mediaData(m: MediaSpec, base: string): WireObject {
  return { alt: m.alt, src: resolveMedia(m.src, base) };
}

function cardImage(image: CardSpec['image'], base: string): unknown {
  if (image === null) return null;
  if (typeof image === 'string') return resolveMedia(image, base);
  return mediaData(image, base);
}

/**
 * Yields the reply's chunks lazily (a long generation is rendered token by token as the
 * stream is read), framed by `processing.start` / `processing.end`.
 */
export function* interpret(steps: readonly Step[], ctx: InterpretContext): Generator<PacedChunk> {
  yield { chunk: { type: 'processing.start' }, pace: 'none' };
  for (const step of steps) {
    if ('text' in step) {
      yield {
        chunk: { type: 'text', data: { is_caption: step.is_caption ?? false, text: step.text }, is_generated: false },
        pace: 'block',
      };
    } else if ('image' in step) {
      yield { chunk: { type: 'image', data: mediaData(step.image, ctx.mediaBase) }, pace: 'block' };
    } else if ('video' in step) {
      yield { chunk: { type: 'video', data: mediaData(step.video, ctx.mediaBase) }, pace: 'block' };
    } else if ('buttons' in step) {
      let first = true;
      for (const b of step.buttons) {
        yield { chunk: { type: 'button', data: { label: b.label, payload: b.payload } }, pace: first ? 'block' : 'none' };
        first = false;
      }
    } else if ('links' in step) {
      let first = true;
      for (const l of step.links) {
        yield { chunk: linkChunk(l), pace: first ? 'block' : 'none' };
        first = false;
      }
    } else if ('carousel' in step) {
      const carouselId = ctx.nextId();
      yield { chunk: { type: 'carousel.start', data: { carousel_id: carouselId } }, pace: 'block' };
      let index = 0;
      for (const card of step.carousel) {
        index++;
        const at = { card_index: index, carousel_id: carouselId };
        yield {
          chunk: {
            type: 'carousel.card.start',
            ...at,
            data: { description: card.description, image: cardImage(card.image, ctx.mediaBase), title: card.title },
          },
          pace: 'token',
        };
        for (const b of card.buttons) {
          yield { chunk: { type: 'carousel.card.button', ...at, data: { label: b.label, payload: b.payload } }, pace: 'none' };
        }
        for (const l of card.links) {
          yield { chunk: { type: 'carousel.card.link', ...at, data: { label: l.label, url: l.url } }, pace: 'none' };
        }
        yield { chunk: { type: 'carousel.card.end', ...at }, pace: 'none' };
      }
      yield { chunk: { type: 'carousel.end', data: { carousel_id: carouselId } }, pace: 'none' };
    } else {
      const generationId = ctx.nextId();
      yield { chunk: { type: 'generation.start', data: { generation_id: generationId } }, pace: 'block' };
      let html = '';
      for (const s of generateAnswerSteps(step.generate, { unit: ctx.unit })) {
        html = s.html;
        yield {
          chunk: { type: 'generation.chunk', data: { chunk: s.chunk, deltas: s.deltas, generation_id: generationId } },
          pace: 'token',
        };
      }
      yield { chunk: { type: 'generation.end', data: { generation_id: generationId } }, pace: 'none' };
      // Like the platform: the finished answer again, as a generated text block.
      yield { chunk: { type: 'text', data: { is_caption: false, text: html }, is_generated: true }, pace: 'none' };
    }
  }
  yield { chunk: { type: 'processing.end' }, pace: 'none' };
}

/** Turns chunks into the bytes of one framing. `index` counts frames already written. */
export interface FrameEncoder {
  readonly contentType: string;
  frame(chunk: WireObject, index: number): string;
  /** One malformed frame (balanced braces, so a brace scanner stays in sync). */
  invalid(index: number): string;
  /** Closing bytes after the last frame (array framing's `]`). */
  end(count: number): string;
}

const MALFORMED = '{"type":"text","data":{"text":"oops"},malformed}';

export function frameEncoder(framing: Framing): FrameEncoder {
  switch (framing) {
    case 'sse':
      return {
        contentType: 'text/event-stream; charset=utf-8',
        frame: (c) => encodeFrame(c, 'sse'),
        invalid: () => `data: ${MALFORMED}\n\n`,
        end: () => '',
      };
    case 'ndjson':
      return {
        contentType: 'application/x-ndjson; charset=utf-8',
        frame: (c) => encodeFrame(c, 'ndjson'),
        invalid: () => `${MALFORMED}\n`,
        end: () => '',
      };
    case 'concatenated':
      return {
        contentType: 'application/json; charset=utf-8',
        frame: (c) => encodeFrame(c, 'concatenated'),
        invalid: () => MALFORMED,
        end: () => '',
      };
    case 'array':
      return {
        contentType: 'application/json; charset=utf-8',
        frame: (c, i) => encodeFrame(c, 'array', i),
        invalid: (i) => (i === 0 ? `[${MALFORMED}` : `,${MALFORMED}`),
        end: (count) => encodeArrayEnd(count),
      };
  }
}

/** In no-delay mode, give the event loop a turn every this many frames. */
const YIELD_EVERY = 64;

export interface StreamOptions {
  readonly encoder: FrameEncoder;
  readonly fault?: MockFault | undefined;
  readonly realtime: boolean;
  /** [0, 1) pseudo-random numbers for timing jitter. */
  readonly random: () => number;
}

function delayFor(pace: Pace | 'think', random: () => number): number {
  const between = (lo: number, hi: number): number => Math.round(lo + (hi - lo) * random());
  switch (pace) {
    case 'think':
      return between(300, 700);
    case 'block':
      return between(120, 350);
    case 'token':
      return between(15, 40);
    case 'none':
      return 0;
  }
}

/**
 * The reply body. One frame per `pull`, so a slow reader applies back-pressure and a
 * cancel stops generation. Timers are cleared on cancel; a stall waits on a promise that
 * only a cancel resolves (no timer left behind).
 */
export function replyStream(chunks: Iterator<PacedChunk>, options: StreamOptions): ReadableStream<Uint8Array> {
  const { encoder, fault, realtime, random } = options;
  const bytes = new TextEncoder();
  let sent = 0; // real chunks written
  let frames = 0; // frames written (array framing counts the malformed one too)
  let contentSeen = false;
  let cancelled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let done = false;

  const wait = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = resolve;
      if (ms > 0) {
        timer = setTimeout(() => {
          timer = undefined;
          resolve();
        }, ms);
      }
      // ms < 0: wait for cancel only (a stall).
    });

  const finish = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    done = true;
    const tail = encoder.end(frames);
    if (tail !== '') controller.enqueue(bytes.encode(tail));
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done || cancelled) return;
      if (fault && (fault.kind === 'stall' || fault.kind === 'cut') && sent >= fault.afterChunks) {
        if (fault.kind === 'cut') {
          done = true;
          controller.error(new TypeError('mock platform: connection reset'));
          return;
        }
        await wait(-1);
        return;
      }
      let next: IteratorResult<PacedChunk>;
      try {
        next = chunks.next();
      } catch (err) {
        done = true;
        controller.error(err);
        return;
      }
      if (next.done || (fault?.kind === 'no-end' && next.value.chunk['type'] === 'processing.end')) {
        finish(controller);
        return;
      }
      const { chunk, pace } = next.value;
      if (realtime) {
        const isContent = chunk['type'] !== 'processing.start' && chunk['type'] !== 'processing.end';
        const ms = isContent && !contentSeen ? delayFor('think', random) : delayFor(pace, random);
        if (isContent) contentSeen = true;
        if (ms > 0) await wait(ms);
        if (cancelled) return;
      } else if (sent > 0 && sent % YIELD_EVERY === 0) {
        // Without delays every pull resolves in a microtask, so a fast reader would drain a
        // long answer without ever letting timers (timeouts, heartbeats) or I/O run.
        await yieldToEventLoop();
        if (cancelled) return;
      }
      if (fault?.kind === 'invalid-line' && fault.atChunk === sent) {
        controller.enqueue(bytes.encode(encoder.invalid(frames)));
        frames++;
      }
      controller.enqueue(bytes.encode(encoder.frame(chunk, frames)));
      frames++;
      sent++;
    },
    cancel() {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      wake?.();
      wake = undefined;
      chunks.return?.(undefined);
    },
  });
}

/** mulberry32: small, fast, good enough for jitter and picking answers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
