// One request whose Host header no URL can be made of (`a b`, `x:99999`, `[::1`) used to
// throw out of the Node server's request listener and end the process: anyone could stop
// the relay with one line of telnet. Now: 400 JSON for that request, the server keeps
// serving. Raw TCP on 127.0.0.1 (fetch cannot send such a Host).
import http from 'node:http';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createRelay } from './handler.js';
import { createRelayMiddleware, startRelayServer, type RelayServer } from './node.js';
import { listenOnLoopback } from './fake-platform.test-helper.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Sends one raw HTTP/1.1 request and returns the status line and body. */
function raw(port: number, path: string, host: string, method = 'POST'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      ),
    );
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('error', reject);
    // The body's JSON object, whatever the transfer encoding.
    socket.on('close', () => resolve({ status: Number(out.split(' ')[1]), body: out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1) }));
  });
}

const BAD_HOSTS = ['a b', 'x:99999', '[::1', 'a<b'];

describe('a request with a malformed Host header', () => {
  it('gets a 400 from the Node server, which keeps serving (relay, mock and static routes alike)', async () => {
    const server: RelayServer = await startRelayServer({ port: 0, env: { MOCK_REALTIME: '0', LOG_LEVEL: 'silent' } });
    closers.push(() => server.close());
    const port = Number(new URL(server.url).port);
    for (const host of BAD_HOSTS) {
      for (const path of ['/api/chat/session', '/mock-platform/chat/demo-project/send']) {
        const res = await raw(port, path, host);
        expect(res.status, `${host} ${path}`).toBe(400);
        expect(JSON.parse(res.body)).toEqual({ error: { code: 'invalid_request', message: 'The request has no valid Host.' } });
      }
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const session = await fetch(`${server.url}/api/chat/session`, { method: 'POST', headers: { origin: server.url } });
    expect(session.status).toBe(200);
  });

  it('gets a 400 from createRelayMiddleware in your own server, which keeps serving', async () => {
    const middleware = createRelayMiddleware(
      createRelay({ apiBase: 'https://platform.test', projectToken: 'p', pat: 'x', secret: 'bad-host-secret' }),
    );
    const url = await listenOnLoopback(
      http.createServer((req, res) => middleware(req, res, () => res.writeHead(404).end())),
      closers,
    );
    const port = Number(new URL(url).port);
    for (const host of BAD_HOSTS) expect((await raw(port, '/api/chat/session', host)).status, host).toBe(400);
    expect((await fetch(`${url}/api/chat/session`, { method: 'POST', headers: { origin: url } })).status).toBe(200);
  });
});
