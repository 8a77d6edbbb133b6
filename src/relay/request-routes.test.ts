// The request log line and `relay_requests_total` name each relay route: votes on
// `POST {base}/feedback` were logged and counted as route `other`, so an owner's dashboard
// could not tell feedback from stray requests. Real HTTP on 127.0.0.1.
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/mock-upstream.js';
import { startRelayServer, type RelayServer } from './node.js';

let server: RelayServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe('request routes in logs and metrics', () => {
  it('send, session, feedback and other, each under its own name', async () => {
    const lines: Record<string, unknown>[] = [];
    server = await startRelayServer({
      port: 0,
      env: { MOCK_REALTIME: '0', RELAY_METRICS: '1', RELAY_BASE_PATH: '/chat' },
      log: (_level, message, fields) => {
        if (message === 'request') lines.push(fields ?? {});
      },
    });
    const origin = server.url;
    const post = (path: string, body: unknown) =>
      fetch(`${server!.url}${path}`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const { sender } = (await (await post('/chat/session', {})).json()) as { sender: string };
    await (await post('/chat', { sender, data: { type: 'payload', payload: 'init' } })).text();
    await (await post('/chat/feedback', { sender, kind: 'csat', value: 9 })).text();
    await (await post('/chat/nothing-here', {})).text();
    await eventually(() => lines.length >= 4, 10_000, 'four request log lines');
    expect(lines.map((l) => [l['route'], l['status']])).toEqual([
      ['session', 200],
      ['send', 200],
      ['feedback', 400],
      ['other', 404],
    ]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_requests_total\{route="feedback",status="400"\} 1/);
  });
});
