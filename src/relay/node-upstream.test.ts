import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startMockUpstream, type MockUpstream } from '../../test/support/mock-upstream.js';
import { sseEvents } from './fake-platform.test-helper.js';
import { startRelayServer, type RelayServer } from './node.js';
import { PassThrough } from 'node:stream';
import { nodeHttpFetch, nodeSource } from './node-upstream.js';

/**
 * The Node server's node:http upstream client (the default with a real INDIGO_PAT) against
 * the mock platform on its own 127.0.0.1 port, side by side with Node's fetch
 * (RELAY_UPSTREAM_CLIENT=fetch): the same answers byte for byte, the same error codes, the
 * upstream aborted when the browser leaves.
 */
const SITE = 'https://shop.example';
const servers: RelayServer[] = [];
const upstreams: MockUpstream[] = [];
const others: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const u of upstreams.splice(0)) await u.close();
  for (const o of others.splice(0)) {
    o.closeAllConnections();
    await new Promise((r) => o.close(r));
  }
});

type Client = 'node' | 'fetch';
type Event = { type: string; error?: { code: string } };

async function relayFor(client: Client, env: Record<string, string> = {}) {
  const upstream = await startMockUpstream({ realtime: false });
  upstreams.push(upstream);
  const server = await startRelayServer({
    port: 0,
    env: {
      INDIGO_API_BASE: upstream.apiBase,
      INDIGO_PAT: upstream.pat,
      INDIGO_PROJECT_TOKEN: upstream.projectToken,
      RELAY_SECRET: 'node-upstream-test-secret-0123456789',
      ALLOWED_ORIGINS: SITE,
      RELAY_FIRST_BYTE_TIMEOUT_MS: '400',
      RELAY_IDLE_TIMEOUT_MS: '300',
      LOG_LEVEL: 'silent',
      ...(client === 'fetch' ? { RELAY_UPSTREAM_CLIENT: 'fetch' } : {}),
      ...env,
    },
  });
  servers.push(server);
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { origin: SITE, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const sender = ((await (await post('/api/chat/session', {})).json()) as { sender: string }).sender;
  const send = (data: unknown) => post('/api/chat', { sender, data });
  return { upstream, server, send, sender };
}

async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  others.push(server);
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const parse = (text: string) => sseEvents(text).map((e) => JSON.parse(e) as Event);

describe('node:http upstream client vs fetch (real HTTP on 127.0.0.1)', () => {
  it('streams the same answers, byte for byte', async () => {
    const outputs: string[] = [];
    for (const client of ['node', 'fetch'] as const) {
      // The fault tests' 300-400 ms limits are for stalls; here a loaded machine must not cut an answer.
      const { send } = await relayFor(client, { RELAY_FIRST_BYTE_TIMEOUT_MS: '10000', RELAY_IDLE_TIMEOUT_MS: '10000' });
      let all = '';
      for (const payload of ['init', 'carousel', 'llm', 'image']) {
        const res = await send({ type: 'payload', payload });
        expect(res.status).toBe(200);
        all += await res.text();
      }
      // Media URLs carry the mock's port; pings depend on timing.
      outputs.push(all.replace(/^: ping\n\n/gm, '').replace(/http:\/\/127\.0\.0\.1:\d+/g, 'ORIGIN'));
    }
    expect(parse(outputs[0]!).filter((e) => e.type === 'processing.end')).toHaveLength(4);
    expect(outputs[0]!.length).toBeGreaterThan(1000);
    expect(outputs[1]).toBe(outputs[0]);
  });

  const before: [string, number, string][] = [
    ['fault:status:401', 502, 'upstream_auth'],
    ['fault:status:404', 502, 'upstream_not_found'],
    ['fault:status:400', 502, 'upstream_rejected'],
    ['fault:status:429', 503, 'upstream_rate_limited'],
    ['fault:status:500', 502, 'upstream_unavailable'],
    ['fault:html', 502, 'upstream_invalid'],
    ['fault:stall:0', 504, 'upstream_timeout'],
  ];
  const during: [string, string][] = [
    ['fault:stall:2', 'upstream_timeout'],
    ['fault:no-end', 'upstream_incomplete'],
  ];
  for (const client of ['node', 'fetch'] as const) {
    it(`${client}: maps platform faults to the same error codes`, async () => {
      const { send } = await relayFor(client);
      for (const [payload, status, code] of before) {
        const res = await send({ type: 'payload', payload });
        expect([payload, res.status, await res.json()]).toEqual([payload, status, { error: { code, message: expect.any(String) } }]);
      }
      for (const [payload, code] of during) {
        const res = await send({ type: 'payload', payload });
        expect([payload, res.status]).toEqual([payload, 200]);
        const events = parse(await res.text());
        expect([payload, events[0]?.type, events.at(-2)?.error?.code, events.at(-1)?.type]).toEqual([
          payload,
          'processing.start',
          code,
          'processing.end',
        ]);
      }
    });

    it(`${client}: a connection reset mid-answer is upstream_failed`, async () => {
      const base = await serve((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"type":"processing.start"}\n\n');
        res.write('data: {"type":"text","data":{"text":"<p>half</p>"}}\n\n');
        setTimeout(() => req.socket.destroy(), 50);
      });
      const { send } = await relayFor(client, { INDIGO_API_BASE: base });
      const res = await send({ type: 'text', text: 'hi' });
      expect(res.status).toBe(200);
      const events = parse(await res.text());
      expect(events.map((e) => e.error?.code ?? e.type)).toEqual(['processing.start', 'text', 'upstream_failed', 'processing.end']);
    });

    it(`${client}: aborts the upstream request when the browser disconnects mid-answer`, async () => {
      const { upstream, server, sender } = await relayFor(client, { RELAY_IDLE_TIMEOUT_MS: '60000' });
      const url = new URL(`${server.url}/api/chat`);
      const req = http.request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { origin: SITE, 'content-type': 'application/json' },
      });
      req.on('error', () => {});
      const res = await new Promise<http.IncomingMessage>((resolve) => {
        req.on('response', resolve);
        req.end(JSON.stringify({ sender, data: { type: 'payload', payload: 'fault:stall:1' } }));
      });
      expect(res.statusCode).toBe(200);
      const first = await new Promise<string>((resolve) => res.once('data', (d: Buffer) => resolve(d.toString())));
      expect(first).toContain('processing.start');
      expect([upstream.open, upstream.aborted]).toEqual([1, 0]);
      req.destroy();
      await eventually(() => upstream.open === 0 && upstream.aborted === 1, 3000, 'the upstream request aborted');
    });

    it(`${client}: a platform that refuses connections is upstream_unavailable`, async () => {
      const closed = http.createServer();
      closed.listen(0, '127.0.0.1');
      await new Promise((r) => closed.once('listening', r));
      const { port } = closed.address() as AddressInfo;
      await new Promise((r) => closed.close(r));
      const { send } = await relayFor(client, { INDIGO_API_BASE: `http://127.0.0.1:${port}` });
      const res = await send({ type: 'text', text: 'hi' });
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([502, 'upstream_unavailable']);
    });
  }

  it('reports the time each write took through the relay in /metrics', async () => {
    const { server, send } = await relayFor('node', { RELAY_METRICS: '1' });
    const events = parse(await (await send({ type: 'payload', payload: 'llm' })).text());
    expect(events.at(-1)?.type).toBe('processing.end');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const count = Number(/^relay_chunk_forward_seconds_count (\d+)/m.exec(metrics)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(Number(/^relay_chunk_forward_seconds_bucket\{le="\+Inf"\} (\d+)/m.exec(metrics)?.[1])).toBe(count);
  });
});

describe('nodeSource (the upstream socket as a PushSource)', () => {
  const tick = () => new Promise((r) => setTimeout(r, 20));

  it('delivers nothing while paused, everything after resume, then one end', async () => {
    const stream = new PassThrough();
    const got: string[] = [];
    const ends: boolean[] = [];
    const source = nodeSource(stream);
    source.start({ data: (b) => got.push(Buffer.from(b).toString()), end: (failed) => ends.push(failed) });
    stream.write('a');
    await tick();
    source.pause();
    stream.write('b');
    stream.write('c');
    await tick();
    expect(got).toEqual(['a']);
    source.resume();
    await tick();
    expect(got.join('')).toBe('abc');
    stream.end();
    await tick();
    expect(ends).toEqual([false]);
  });

  it('reports a destroyed stream as failed once, and cancel() is silent and destroys it', async () => {
    const failing = new PassThrough();
    const ends: boolean[] = [];
    nodeSource(failing).start({ data: () => {}, end: (failed) => ends.push(failed) });
    failing.destroy(new Error('reset'));
    await tick();
    expect(ends).toEqual([true]);

    const cancelled = new PassThrough();
    const heard: string[] = [];
    const source = nodeSource(cancelled);
    source.start({ data: () => heard.push('data'), end: () => heard.push('end') });
    source.cancel();
    await tick();
    expect([cancelled.destroyed, heard]).toEqual([true, []]);
  });
});

describe('nodeHttpFetch on its own', () => {
  it('a reason phrase with a control character (a proxy in front of the platform) answers, never ends the process', async () => {
    // Node's parser takes it; the Response constructor refuses it (a throw in the socket's
    // listener was an uncaught exception: the relay process exited).
    const raw = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\x01\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nhi'));
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const f = nodeHttpFetch();
      const res = await f(new Request(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/x`, { method: 'POST', body: '{}' }));
      expect([res.status, res.statusText, await res.text()]).toEqual([200, 'OK', 'hi']);
    } finally {
      await new Promise((r) => raw.close(r));
    }
  });

  it('sends method, headers and body, and reads a body like fetch (text(), decompressed)', async () => {
    let seen: { method?: string; type?: string; encoding?: string; body: string } = { body: '' };
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen = { method: req.method, type: req.headers['content-type'], encoding: req.headers['accept-encoding'], body };
        res.writeHead(201, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-two': 'a' });
        res.end(gzipSync(JSON.stringify({ ok: 'é' })));
      });
    });
    const f = nodeHttpFetch();
    const res = await f(new Request(`${base}/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":1}' }));
    expect([res.status, res.headers.get('x-two'), res.headers.get('content-encoding')]).toEqual([201, 'a', null]);
    expect(await res.json()).toEqual({ ok: 'é' });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', encoding: undefined, body: '{"q":1}' });
  });

  it('sends again on a fresh connection when a kept-alive one was closed under it, never when a fresh one fails', async () => {
    // The platform closes an idle kept-alive connection as the next request goes out on it
    // (its idle timeout and our request cross): modelled as a reset of every second request
    // on a connection, before any answer. A failure on a fresh connection is the platform's.
    const perSocket = new Map<unknown, number>();
    let received = 0;
    const connections = new Set<unknown>();
    const base = await serve((req, res) => {
      received++;
      connections.add(req.socket);
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n > 1 || req.url === '/reset') {
        req.socket.destroy();
        return;
      }
      req.resume();
      req.on('end', () => res.end(`ok ${req.method} ${req.url}`));
    });
    const f = nodeHttpFetch();
    expect(await (await f(new Request(`${base}/a`, { method: 'POST', body: 'x' }))).text()).toBe('ok POST /a');
    // Reuses the first connection, which resets; the request goes again on a new one.
    expect(await (await f(new Request(`${base}/b`, { method: 'POST', body: 'y' }))).text()).toBe('ok POST /b');
    expect([received, connections.size]).toEqual([3, 2]);

    // A fresh connection reset before the answer: reported, not sent twice.
    const g = nodeHttpFetch();
    received = 0;
    await expect(g(new Request(`${base}/reset`, { method: 'POST', body: 'z' }))).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ECONNRESET' },
    });
    expect(received).toBe(1);
  });

  it('rejects with an AbortError when aborted before the answer, and closes a body it was reading', async () => {
    let closedMidBody = false;
    const base = await serve((req, res) => {
      if (req.url === '/never') return;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"type":"processing.start"}\n\n');
      res.on('close', () => (closedMidBody = !res.writableFinished));
    });
    const f = nodeHttpFetch();
    const early = new AbortController();
    const pending = f(new Request(`${base}/never`, { signal: early.signal }));
    setTimeout(() => early.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    const late = new AbortController();
    const res = await f(new Request(`${base}/stream`, { signal: late.signal }));
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('processing.start');
    late.abort();
    await eventually(() => closedMidBody, 3000, 'the server to see the connection close');
  });
});
