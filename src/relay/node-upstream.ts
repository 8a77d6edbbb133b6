/**
 * The Node server's upstream client: a `fetch`-shaped function over node:http/https.
 *
 * Node's global fetch (undici) costs, per open answer, a client with its own parser, a
 * chain of web streams and several promises per chunk. This one hands the relay the
 * response body as a PushSource (stream.ts): the socket's `data` events go straight into
 * the answer's decoder, so a chunk crosses the relay without a promise. The returned
 * Response is an ordinary one too (`text()`, `json()`, `body`), for any other caller.
 *
 * Differences from fetch, on purpose: no redirects are followed (the platform's send URL
 * is fixed; a 3xx answer maps to `upstream_unavailable` like any unexpected status; the
 * relay calls fetch with `redirect: 'manual'` for the same reason), and
 * `accept-encoding` is not sent, so the platform answers uncompressed (a compressed answer
 * is still decoded). No timeouts here: the relay's first-byte, idle and total deadlines
 * abort through the request's signal.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { attachPushSource, type ByteSink, type PushSource } from './stream.js';

/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** A Node Readable as a PushSource: its `data` events, paused and resumed, destroyed on cancel. */
export function nodeSource(stream: Readable): PushSource {
  let sink: ByteSink | undefined;
  let over = false;
  const finish = (failed: boolean) => {
    if (over) return;
    over = true;
    sink?.end(failed);
  };
  return {
    start(s) {
      if (sink) return;
      sink = s;
      if (stream.destroyed) {
        // Lost before anyone read it.
        queueMicrotask(() => finish(!stream.readableEnded));
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        if (!over) sink!.data(chunk);
      });
      stream.once('end', () => finish(false));
      // An error (reset) or a close before the end: the connection was lost.
      stream.on('error', () => finish(true));
      stream.once('close', () => finish(!stream.readableEnded));
      stream.resume();
    },
    pause() {
      stream.pause();
    },
    resume() {
      if (!over) stream.resume();
    },
    cancel() {
      if (over) return;
      over = true;
      stream.destroy();
    },
  };
}

/** The same body as a web stream, read only if someone asks (`text()`, `json()`, `getReader()`). */
function webBody(source: PushSource): ReadableStream<Uint8Array> {
  let wake: (() => void) | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve) => {
          wake = resolve;
          if (started) return source.resume();
          started = true;
          source.start({
            data(bytes) {
              controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
              source.pause();
              wake?.();
            },
            end(failed) {
              if (failed) controller.error(new TypeError('The upstream connection was lost.'));
              else controller.close();
              wake?.();
            },
          });
        });
      },
      cancel() {
        source.cancel();
      },
    },
    { highWaterMark: 0 },
  );
}

function decompressed(res: http.IncomingMessage): Readable {
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const inflate =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  if (!inflate) return res;
  res.on('error', (error) => inflate.destroy(error));
  inflate.on('close', () => res.destroy());
  return res.pipe(inflate);
}

function abortError(): Error {
  return new DOMException('The operation was aborted.', 'AbortError');
}

export interface NodeFetchOptions {
  /** Agents for http: and https: (default: keep-alive agents of this client's own). */
  readonly httpAgent?: http.Agent;
  readonly httpsAgent?: https.Agent;
}

/** A fetch-shaped client over node:http/https whose Responses also carry a PushSource. */
export function nodeHttpFetch(options: NodeFetchOptions = {}): (request: Request) => Promise<Response> {
  const httpAgent = options.httpAgent ?? new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  const httpsAgent = options.httpsAgent ?? new https.Agent({ keepAlive: true, scheduling: 'lifo' });
  return async (request) => {
    const signal = request.signal;
    if (signal.aborted) throw abortError();
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Unsupported protocol ${url.protocol}`);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    if (signal.aborted) throw abortError();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (body) headers['content-length'] = String(body.byteLength);
    const agent = url.protocol === 'https:' ? httpsAgent : httpAgent;
    // Not a closure over `request`: what lives as long as the answer is the socket's state only.
    return send(url, request.method, headers, body, signal, agent);
  };
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
  signal: AbortSignal,
  agent: http.Agent,
): Promise<Response> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    let incoming: Readable | undefined;
    const onAbort = () => {
      const error = abortError();
      req.destroy(error);
      incoming?.destroy();
      reject(error);
    };
    const req = lib.request(url, { method, headers, agent });
    req.setNoDelay(true);
    signal.addEventListener('abort', onAbort, { once: true });
    let answered = false;
    req.on('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      // A kept-alive socket the platform closed as we reused it (its idle timeout and our
      // request crossed): nothing reached the platform's application, so send again; each
      // such socket leaves the pool, so this ends on a fresh connection. A fresh socket's
      // failure, or one after the answer began, is the platform's and is reported.
      if (!answered && req.reusedSocket && !signal.aborted && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        resolve(send(url, method, headers, body, signal, agent));
        return;
      }
      reject(new TypeError('fetch failed', { cause: error }));
    });
    req.once('response', (res) => {
      answered = true;
      const stream = decompressed(res);
      incoming = stream;
      // Errors are read through the PushSource or the web body; never an unhandled 'error'.
      stream.on('error', () => {});
      // The signal stays wired until the body is over: aborting mid-answer destroys it.
      stream.once('close', () => signal.removeEventListener('abort', onAbort));
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      const inflated = stream !== res;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = raw[i]!.toLowerCase();
        if (inflated && (name === 'content-encoding' || name === 'content-length')) continue;
        try {
          responseHeaders.append(name, raw[i + 1]!);
        } catch {
          // A header value the Headers class refuses: dropped, like fetch would.
        }
      }
      const status = res.statusCode ?? 502;
      const source = nodeSource(stream);
      const nullBody = NULL_BODY.has(status) || method === 'HEAD';
      if (nullBody) res.resume();
      // Node's parser takes control characters in the reason phrase, which Response refuses
      // (a throw here, in a socket listener, would end the process): dropped, as fetch does.
      const statusText = (res.statusMessage ?? '').replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
      const response = new Response(nullBody ? null : webBody(source), {
        status: status >= 200 && status <= 599 ? status : 502,
        statusText,
        headers: responseHeaders,
      });
      resolve(nullBody ? response : attachPushSource(response, source));
    });
    req.end(body);
  });
}
