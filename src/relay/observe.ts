import type { MountedRelayHandler, RelayHandler, RequestObserver } from './handler.js';

/**
 * Logs and metrics around a relay handler, web-standard (Node, Workers, Deno, Bun).
 *
 * One structured line per request, written when the request is really over (for an
 * answer: when its stream ends, with the stream's outcome), and never with a token, a
 * sender id, an IP or a message text: only ids, route, status, times and codes.
 */

/** What the Node server feeds into Prometheus (metrics.ts); any other sink works too. */
export interface RelayMetricsSink {
  request(route: string, status: number): void;
  streamOpened(): void;
  streamClosed(outcome: string): void;
  upstreamFirstByte(seconds: number): void;
  upstreamDuration(seconds: number): void;
  error(code: string): void;
  rateLimited(scope: string): void;
  /** Per write to the browser: seconds from the upstream bytes received to the SSE handed to the socket. */
  chunkForwarded?(seconds: number): void;
}

export interface RequestLogLine {
  id: string;
  method: string;
  route: string;
  status: number;
  /** Whole request, until the answer's stream ended. */
  ms: number;
  /** `ok`, an answer's end (`complete`, `cancelled`, `relay_restarting`, ...) or the error code. */
  outcome: string;
  /** Upstream time to first byte, for answers. */
  upstreamFirstByteMs?: number;
  /** Which limit refused it (ip, sender, session). */
  limited?: string;
}

export interface InstrumentOptions {
  metrics?: RelayMetricsSink;
  logRequest?: (line: RequestLogLine) => void;
  now?: () => number;
}

export type InstrumentedRelay = MountedRelayHandler & {
  /** Answers streaming right now. */
  readonly activeStreams: number;
  /** Resolves when no answer is streaming (at once if none is). */
  idle(): Promise<void>;
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Outcomes that are not errors: a complete answer, or the browser leaving. */
const CLEAN = new Set(['complete', 'cancelled']);

export function instrumentRelay(handler: MountedRelayHandler, options: InstrumentOptions = {}): InstrumentedRelay {
  const { metrics } = options;
  const now = options.now ?? (() => performance.now());
  const basePath = handler.basePath;
  const sessionPath = basePath === '/' ? '/session' : `${basePath}/session`;
  const feedbackPath = basePath === '/' ? '/feedback' : `${basePath}/feedback`;
  let active = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (active > 0) return;
    const w = waiters;
    waiters = [];
    for (const done of w) done();
  };

  const routeOf = (request: Request): string => {
    try {
      const p = new URL(request.url).pathname.replace(/(.)\/+$/, '$1');
      return p === basePath ? 'send' : p === sessionPath ? 'session' : p === feedbackPath ? 'feedback' : 'other';
    } catch {
      return 'other';
    }
  };

  const safely = (fn: () => void) => {
    try {
      fn();
    } catch {
      // Logs and metrics never break a request.
    }
  };

  const wrapped: RelayHandler = async (request, info) => {
    const started = now();
    const incoming = request.headers.get('x-request-id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const route = routeOf(request);
    let upstreamAt: number | undefined;
    let firstByteMs: number | undefined;
    let limited: string | undefined;
    let streaming = false;
    let streamOutcome: string | undefined;
    let status = 0;

    const line = (outcome: string) => {
      safely(() => metrics?.request(route, status));
      const entry: RequestLogLine = { id, method: request.method, route, status, ms: Math.round(now() - started), outcome };
      if (firstByteMs !== undefined) entry.upstreamFirstByteMs = firstByteMs;
      if (limited) entry.limited = limited;
      safely(() => options.logRequest?.(entry));
    };
    const endStream = (outcome: string) => {
      safely(() => {
        metrics?.streamClosed(outcome);
        if (upstreamAt !== undefined) metrics?.upstreamDuration((now() - upstreamAt) / 1000);
        if (!CLEAN.has(outcome)) metrics?.error(outcome);
      });
      line(outcome);
      active--;
      settle();
    };

    const observer: RequestObserver = {
      rateLimited: (scope) => {
        limited = scope;
        safely(() => metrics?.rateLimited(scope));
      },
      upstreamStarted: () => {
        upstreamAt = now();
      },
      upstreamFirstByte: () => {
        if (upstreamAt === undefined) return;
        firstByteMs = Math.round(now() - upstreamAt);
        safely(() => metrics?.upstreamFirstByte(firstByteMs! / 1000));
      },
      ...(metrics?.chunkForwarded
        ? {
            chunkForwarded: (seconds: number) => {
              try {
                metrics.chunkForwarded!(seconds);
              } catch {
                // Metrics never break an answer (no closure per chunk here: this runs per write).
              }
            },
          }
        : {}),
      streamFinished: (outcome) => {
        if (streaming) endStream(outcome);
        else streamOutcome = outcome;
      },
    };

    const response = await handler(request, { ...info, observer });
    status = response.status;
    safely(() => response.headers.set('x-request-id', id));
    if (status === 200 && response.headers.get('content-type')?.startsWith('text/event-stream')) {
      active++;
      streaming = true;
      safely(() => metrics?.streamOpened());
      if (streamOutcome !== undefined) endStream(streamOutcome);
      return response;
    }
    let outcome = 'ok';
    if (status >= 400) {
      outcome = `http_${status}`;
      try {
        const body = (await response.clone().json()) as { error?: { code?: unknown } };
        if (typeof body.error?.code === 'string') outcome = body.error.code;
      } catch {
        // Not our JSON error shape: the status says enough.
      }
      safely(() => metrics?.error(outcome));
    }
    line(outcome);
    return response;
  };

  const out = Object.assign(wrapped, {
    basePath,
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      }),
  });
  // A getter (Object.assign would copy today's value only).
  Object.defineProperty(out, 'activeStreams', { get: () => active, enumerable: true });
  return out as InstrumentedRelay;
}
