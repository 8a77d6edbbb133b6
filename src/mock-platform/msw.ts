/**
 * msw handlers that emulate the relay's browser contract (docs/protocol.md, "The relay's
 * contract") on top of the mock platform, for client tests in a real browser:
 * - `POST {relay}/session` -> `{sender}` (signed, so it survives page reloads statelessly);
 * - `POST {relay}` `{sender, data}` -> the canonical SSE stream (`encodeSSE` per chunk),
 *   chunk by chunk through a ReadableStream body (msw's `sse()` is GET-only);
 * - `GET {relay}/media/:name` -> the bundled media (scenario media URLs point here);
 * - `POST {relay}/feedback` -> `{ok: true}` for a vote from a known sender (recorded on the
 *   mock's history, like the real relay tells the Node server's mock).
 * Its own refusals use the relay's codes (`invalid_sender`, `invalid_json`, `invalid_request`).
 * Faults pass through untouched (status, HTML, stall, cut, invalid line, missing end), so
 * client code meets them exactly as the platform would produce them.
 *
 * Not exported from index.ts: msw is a dev dependency.
 */
import { http, type RequestHandler } from 'msw';
import { encodeSSE } from '../core/protocol/encode.js';
import { createPlatform, type MockPlatformOptions } from './index.js';
import type { FrameEncoder } from './reply.js';
import type { FeedbackDetail } from '../core/platform/feedback.js';

export interface RelayMswOptions extends MockPlatformOptions {
  /** The relay URL the widget talks to. Default '/api/chat'. */
  relay?: string;
  /** The `source` sent upstream. Default 'web'. */
  source?: string;
}

const canonicalSse: FrameEncoder = {
  contentType: 'text/event-stream; charset=utf-8',
  frame: (chunk) => encodeSSE(chunk),
  invalid: () => 'data: {"type":"text","data":{"text":"oops"},malformed}\n\n',
  end: () => '',
};

function jsonError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** A short keyed hash (FNV-1a): enough to tell a sender this emulation issued from a forged one. */
function sign(id: string): string {
  let h = 0x811c9dc5;
  for (const ch of `mock-relay:${id}`) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function newSender(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  const id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `mock-${id}.${sign(id)}`;
}

function validSender(sender: unknown): sender is string {
  if (typeof sender !== 'string') return false;
  const m = /^mock-([0-9a-f]{18})\.([0-9a-z]+)$/.exec(sender);
  return m !== null && sign(m[1] as string) === m[2];
}

/**
 * Whether msw can hand a mocked body to its service worker as a stream (transferable
 * ReadableStream: Chromium, Firefox). Without it (WebKit) msw buffers each body first.
 */
export function streamsThroughWorker(): boolean {
  try {
    const stream = new ReadableStream({ start: (c) => c.close() });
    new MessageChannel().port1.postMessage(stream, [stream]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where msw must buffer (a browser without transferable streams), read the body here: a
 * body that breaks midway (the `cut` fault) then becomes a network error for the page, as a
 * reset connection is, instead of a rejection inside msw that no request ever sees.
 */
async function deliverable(res: Response): Promise<Response> {
  if (typeof document === 'undefined' || streamsThroughWorker()) return res;
  try {
    const body = await res.arrayBuffer();
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  } catch {
    return Response.error();
  }
}

export function relayMswHandlers(options: RelayMswOptions = {}): RequestHandler[] {
  const relay = (options.relay ?? '/api/chat').replace(/\/+$/, '');
  const source = options.source ?? 'web';
  const platform = createPlatform(options, canonicalSse);

  return [
    http.post(`${relay}/session`, () => Response.json({ sender: newSender() })),
    // The request's headers go along: a video is fetched by byte range (Range).
    http.get(`${relay}/media/:name`, ({ request }) => platform.fetch(new Request(request.url, { headers: request.headers }))),
    http.post(`${relay}/feedback`, async ({ request }) => {
      const body = (await request.json().catch(() => null)) as (FeedbackDetail & { sender?: unknown }) | null;
      if (!body || typeof body !== 'object') return jsonError(400, 'invalid_request', 'The body must be a JSON object.');
      if (!validSender(body.sender)) return jsonError(403, 'invalid_sender', 'Unknown sender; start a new conversation.');
      if (body.kind !== 'thumbs' && body.kind !== 'csat') return jsonError(400, 'invalid_request', '`kind` must be thumbs or csat.');
      platform.recordFeedback(body.sender, body);
      return Response.json({ ok: true, result: 'created' });
    }),
    http.post(relay, async ({ request }) => {
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return jsonError(400, 'invalid_json', 'The body is not valid JSON.');
      }
      if (typeof body !== 'object' || body === null) return jsonError(400, 'invalid_request', 'The body must be a JSON object.');
      const { sender, data } = body as { sender?: unknown; data?: unknown };
      if (!validSender(sender)) return jsonError(403, 'invalid_sender', 'Unknown sender; start a new conversation.');
      if (typeof data !== 'object' || data === null) return jsonError(400, 'invalid_request', '`data` must be an object.');
      // Mounted at the relay's path, so scenario media URLs default to `${relay}/media/…`.
      const upstream = new Request(new URL(`${relay}/chat/${encodeURIComponent(platform.projectToken)}/send`, request.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer pat-${platform.pat}` },
        body: JSON.stringify({ sender, source, data }),
      });
      const res = await platform.fetch(upstream);
      if (res.ok && res.body && (res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        return deliverable(
          new Response(res.body, {
            status: 200,
            headers: {
              'content-type': 'text/event-stream; charset=utf-8',
              'cache-control': 'no-cache, no-transform',
              'x-accel-buffering': 'no',
            },
          }),
        );
      }
      return deliverable(res); // errors and the captive-portal fault, as the platform produced them
    }),
  ];
}
