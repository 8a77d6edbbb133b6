import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startMockUpstream, type MockUpstream } from '../../test/support/mock-upstream.js';
import { startRelayProcess, type RelayProcess } from '../../test/support/relay-process.js';
import { startRelayServer } from './node.js';

/**
 * The CLI as a real process in front of the mock platform on its own port: health,
 * metrics, one JSON log line per request, and graceful drain on a real SIGTERM with an
 * answer in flight.
 */
const SITE = 'https://shop.example';
const started: { relay?: RelayProcess; upstream?: MockUpstream }[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) {
    await s.relay?.kill();
    await s.upstream?.close();
  }
});

async function setup(env: Record<string, string>, realtime = true) {
  const upstream = await startMockUpstream({ realtime });
  const relay = await startRelayProcess({
    INDIGO_API_BASE: upstream.apiBase,
    INDIGO_PAT: upstream.pat,
    INDIGO_PROJECT_TOKEN: upstream.projectToken,
    RELAY_SECRET: 'production-test-secret-0123456789abcdef',
    ALLOWED_ORIGINS: SITE,
    ...env,
  });
  started.push({ relay, upstream });
  const post = (path: string, body: unknown) =>
    fetch(`${relay.url}${path}`, {
      method: 'POST',
      headers: { origin: SITE, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const session = async () => ((await (await post('/api/chat/session', {})).json()) as { sender: string }).sender;
  return { upstream, relay, post, session };
}

/** Opens an answer and returns once its first event arrived; `rest()` reads it to the end. */
async function openAnswer(post: (p: string, b: unknown) => Promise<Response>, sender: string, data: unknown) {
  const res = await post('/api/chat', { sender, data });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('data: ')) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return {
    res,
    rest: async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return text
        .split('\n\n')
        .filter((e) => e.startsWith('data: '))
        .map((e) => JSON.parse(e.slice(6)) as { type: string; error?: { code: string } });
    },
  };
}

const metricValue = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : NaN;
};

describe('relay in production (real process, real HTTP)', () => {
  it('serves /healthz, /readyz and /metrics, and logs one JSON line per request without secrets or texts', async () => {
    const { relay, post, session } = await setup({ RELAY_METRICS: '1', LOG_LEVEL: 'info' }, false);
    expect(await (await fetch(`${relay.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${relay.url}/readyz`)).json()).toEqual({ status: 'ready', store: 'memory' });
    const sender = await session();
    const secretText = 'my-private-words-4711';
    const res = await post('/api/chat', { sender, data: { type: 'text', text: secretText } });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toContain('processing.end');
    expect((await post('/api/chat', { sender: 'forged', data: { type: 'text', text: 'x' } })).status).toBe(400);

    const metrics = await fetch(`${relay.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(metricValue(text, 'relay_active_streams')).toBe(0);
    expect(text).toContain('relay_replies_total{outcome="complete"} 1');
    expect(text).toContain('relay_errors_total{code="invalid_request"} 1');
    expect(text).toContain('relay_requests_total{route="send",status="200"} 1');
    expect(metricValue(text, 'relay_upstream_first_byte_seconds_count')).toBe(1);
    expect(metricValue(text, 'relay_upstream_duration_seconds_count')).toBe(1);
    expect(text).toContain('relay_store_errors_total 0');
    expect(text).toContain('process_resident_memory_bytes');

    await eventually(() => relay.lines.some((l) => l.includes(requestId!)), 5000, 'the answer log line');
    const requests = relay.lines.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(requests.map((r) => [r.route, r.status, r.outcome])).toEqual([
      ['session', 200, 'ok'],
      ['send', 200, 'complete'],
      ['send', 400, 'invalid_request'],
    ]);
    const answer = requests[1]!;
    expect(answer).toMatchObject({ id: requestId, method: 'POST', level: 'info' });
    expect(typeof answer.ms).toBe('number');
    expect(typeof answer.upstreamFirstByteMs).toBe('number');
    const all = relay.lines.join('\n');
    for (const secret of [secretText, sender, sender.split('.')[0]!, 'production-test-secret']) expect(all).not.toContain(secret);
  });

  it('LOG_LEVEL=warn drops the request lines; metrics are off without RELAY_METRICS', async () => {
    const { relay, session } = await setup({ LOG_LEVEL: 'warn' }, false);
    await session();
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(404);
    expect(relay.lines.some((l) => l.includes('"msg":"request"'))).toBe(false);
  });

  it('serves /metrics on RELAY_METRICS_PORT only, not on the public port', async () => {
    const server = await startRelayServer({
      port: 0,
      env: { RELAY_METRICS_PORT: '0', MOCK_REALTIME: '0' },
      log: () => {},
      mock: { realtime: false },
    });
    try {
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(server.metricsUrl!).port).not.toBe(new URL(server.url).port);
      expect(await (await fetch(server.metricsUrl!)).text()).toContain('relay_active_streams 0');
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('drains on SIGTERM: readyz and new requests 503, the answer in flight finishes, then the process exits 0', async () => {
    const { relay, upstream, post, session } = await setup({ RELAY_DRAIN_MS: '30000' });
    const sender = await session();
    const answer = await openAnswer(post, sender, { type: 'payload', payload: 'llm' });
    relay.child.kill('SIGTERM');
    await eventually(async () => (await fetch(`${relay.url}/readyz`)).status === 503, 5000, 'readyz 503');
    const refused = await post('/api/chat/session', {});
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('relay_draining');
    const events = await answer.rest();
    expect(events.at(-1)).toEqual({ type: 'processing.end' });
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(events.some((e) => e.type === 'generation.end')).toBe(true);
    expect(await relay.exited).toBe(0);
    expect(upstream.completed).toBe(1);
    expect(upstream.aborted).toBe(0);
  });

  it('ends answers still open at RELAY_DRAIN_MS with an error chunk and processing.end, aborting the upstream', async () => {
    const { relay, upstream, post, session } = await setup({ RELAY_DRAIN_MS: '300' });
    const sender = await session();
    // The platform sends two chunks, then stalls (well inside the idle timeout).
    const answer = await openAnswer(post, sender, { type: 'payload', payload: 'fault:stall:2' });
    relay.child.kill('SIGTERM');
    const events = await answer.rest();
    expect(events.slice(-2)).toEqual([
      { type: 'error', error: { code: 'relay_restarting', message: 'The relay is restarting; send your message again.' } },
      { type: 'processing.end' },
    ]);
    expect(await relay.exited).toBe(0);
    await eventually(() => upstream.aborted === 1, 5000, 'the upstream request aborted');
    expect(upstream.open).toBe(0);
    expect(relay.lines.some((l) => l.includes('"outcome":"relay_restarting"'))).toBe(true);
  });
});
