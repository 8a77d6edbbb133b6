/**
 * Test helpers for the relay suites: a scriptable fake platform (a fetch function) that
 * records every request and observes aborts, cancels and how many bytes were pulled.
 */
import { encodeArrayEnd, encodeFrame } from '../core/protocol/encode.js';
import type { Framing } from '../core/protocol/types.js';

export const PAT = 'Zq7xK9mPw3LrT8vBn2Hc5YdF';
export const ORIGIN = 'https://shop.example';
export const OTHER_ORIGIN = 'https://other.example';
export const BASE = 'https://relay.example';

export const SCRIPT: readonly object[] = [
  { type: 'processing.start' },
  { type: 'text', data: { is_caption: false, text: '<p class="slate-p">Hi 👋 “quoted” \\ and\nnewline</p>' }, is_generated: false },
  { type: 'generation.start', data: { generation_id: 7 } },
  { type: 'generation.chunk', data: { chunk: 'é', deltas: [{ command: 'ins', value: '<p>é</p>' }], generation_id: 7 } },
  { type: 'generation.end', data: { generation_id: 7 } },
  { type: 'button', data: { label: 'Go', payload: 'go' } },
  { type: 'processing.end' },
];

export function frame(chunks: readonly object[], framing: Framing): string {
  let out = chunks.map((c, i) => encodeFrame(c, framing, i)).join('');
  if (framing === 'array') out += encodeArrayEnd(chunks.length);
  return out;
}

/** Splits text into awkward pieces (inside JSON strings, inside multi-byte characters). */
export function splitBytes(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.slice(i, i + size));
  return parts;
}

export interface Behaviour {
  status?: number;
  headers?: Record<string, string>;
  /** Pieces of the body; a number is a pause in ms; 'stall' waits forever; 'reset' errors the stream. */
  body?: (Uint8Array | number | 'stall' | 'reset' | (string & {}))[];
  /** Never answer at all (headers never come). */
  hang?: boolean;
  /** Throw a network error with this message. */
  networkError?: string;
  /** An endless body of `size`-byte NDJSON lines, produced only when pulled. */
  endless?: number;
}

export interface UpstreamCall {
  request: Request;
  body: unknown;
  aborted: () => boolean;
  cancelled: () => boolean;
  pulledBytes: () => number;
}

export function fakeUpstream(behave: (call: number) => Behaviour) {
  const calls: UpstreamCall[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const b = behave(calls.length);
    const text = await request.text();
    let cancelled = false;
    let pulled = 0;
    calls.push({
      request,
      body: JSON.parse(text),
      aborted: () => request.signal.aborted,
      cancelled: () => cancelled,
      pulledBytes: () => pulled,
    });
    if (b.networkError) throw new TypeError(b.networkError);
    if (b.hang) return new Promise<Response>(() => {});
    const enc = new TextEncoder();
    const pieces = [...(b.body ?? [])];
    let line = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (b.endless) {
            const json = JSON.stringify({ type: 'text', data: { text: `line ${line++}`, pad: 'x'.repeat(b.endless) } });
            const bytes = enc.encode(`${json}\n`);
            pulled += bytes.byteLength;
            controller.enqueue(bytes);
            return;
          }
          for (;;) {
            const next = pieces.shift();
            if (next === undefined) return controller.close();
            if (next === 'stall') return new Promise<void>(() => {});
            if (next === 'reset') return controller.error(new TypeError('socket hang up'));
            if (typeof next === 'number') {
              await new Promise((r) => setTimeout(r, next));
              continue;
            }
            const bytes = typeof next === 'string' ? enc.encode(next) : next;
            pulled += bytes.byteLength;
            controller.enqueue(bytes);
            return;
          }
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      status: b.status ?? 200,
      headers: { 'content-type': 'text/event-stream', ...b.headers },
    });
  };
  return { fetch, calls };
}

/** Everything a test saw leave the relay, for the PAT scan. */
export class Emitted {
  readonly texts: string[] = [];
  log = (level: string, message: string, fields?: Record<string, unknown>) => {
    this.texts.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  async response(res: Response): Promise<{ status: number; headers: Headers; text: string }> {
    const text = await res.text();
    const headers: string[] = [];
    res.headers.forEach((v, k) => headers.push(`${k}: ${v}`));
    this.texts.push(headers.join('\n'), text);
    return { status: res.status, headers: res.headers, text };
  }
}

export function sseEvents(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.length > 0 && !e.startsWith(':'))
    .map((e) => e.replace(/^data: /, ''));
}

export function patFragments(pat: string, size = 8): string[] {
  const out = [pat];
  for (let i = 0; i + size <= pat.length; i++) out.push(pat.slice(i, i + size));
  return out;
}

/**
 * Listens on a free port of 127.0.0.1, registers the server's closer (connections cut, then
 * closed) in `closers`, and returns its origin, `http://127.0.0.1:<port>`.
 */
export async function listenOnLoopback(server: import('node:http').Server, closers: (() => Promise<void>)[]): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
