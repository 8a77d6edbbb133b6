/**
 * The mock platform on its own 127.0.0.1 port (a separate upstream, as in production),
 * counting the send requests that are open and those the relay aborted before the end.
 * A payload `fault:<kind>[:<n>]` asks for that fault on that request only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockPlatform, type MockFault, type MockPlatformOptions } from '../../src/mock-platform/index.js';
import { serveWebHandler } from '../../src/relay/node.js';

export function faultFor(body: { data: unknown }): MockFault | undefined {
  const payload = (body.data as { payload?: string }).payload ?? '';
  const [tag, kind, n] = payload.split(':');
  if (tag !== 'fault') return undefined;
  const num = Number(n ?? 0);
  if (kind === 'status') return { kind: 'status', status: num };
  if (kind === 'html') return { kind: 'html' };
  if (kind === 'stall') return { kind: 'stall', afterChunks: num };
  if (kind === 'cut') return { kind: 'cut', afterChunks: num };
  if (kind === 'no-end') return { kind: 'no-end' };
  return undefined;
}

export interface MockUpstream {
  /** INDIGO_API_BASE for a relay. */
  apiBase: string;
  projectToken: string;
  pat: string;
  /** Send requests still open now. */
  readonly open: number;
  /** Send requests whose connection closed before the answer was complete. */
  readonly aborted: number;
  /** Send requests answered to the end. */
  readonly completed: number;
  close(): Promise<void>;
}

export async function startMockUpstream(options: MockPlatformOptions = {}): Promise<MockUpstream> {
  const mock = createMockPlatform({ seed: 7, fault: faultFor, ...options });
  let open = 0;
  let aborted = 0;
  let completed = 0;
  const server = http.createServer((req, res) => {
    const isSend = req.method === 'POST' && /\/send\/?$/.test(req.url ?? '');
    if (isSend) {
      open++;
      res.on('close', () => {
        open--;
        if (res.writableFinished) completed++;
        else aborted++;
      });
    }
    serveWebHandler(
      (r) => mock.fetch(r),
      req,
      res,
      () => {},
    );
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: `http://127.0.0.1:${port}`,
    projectToken: mock.projectToken,
    pat: mock.pat,
    get open() {
      return open;
    },
    get aborted() {
      return aborted;
    },
    get completed() {
      return completed;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Polls `check` until it returns true (or throws after `ms`): for events in other processes. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
