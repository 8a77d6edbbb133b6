import { expect } from '@open-wc/testing';
import { setupWorker } from 'msw/browser';
import { applyDeltas } from '../core/delta/apply.js';
import { decodeChunks } from '../core/protocol/decode.js';
import type { WireChunk } from '../core/protocol/types.js';
import { relayMswHandlers, streamsThroughWorker } from './msw.js';
import type { MockFault } from './reply.js';

// One worker for the file; per-test behaviour (faults) comes from a mutable fault function.
let fault: MockFault | undefined;
const worker = setupWorker(...relayMswHandlers({ realtime: false, seed: 3, fault: () => fault }));

async function session(): Promise<string> {
  const res = await fetch('/api/chat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).to.equal(200);
  const { sender } = (await res.json()) as { sender: string };
  expect(sender).to.be.a('string');
  return sender;
}

function send(sender: string, data: object): Promise<Response> {
  return fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sender, data }) });
}

async function readAll(res: Response): Promise<WireChunk[]> {
  const out: WireChunk[] = [];
  for await (const c of decodeChunks(res.body!)) out.push(c);
  return out;
}

describe('relayMswHandlers (browser, service worker)', () => {
  before(async () => {
    await worker.start({ quiet: true, serviceWorker: { url: '/mockServiceWorker.js' } });
  });
  after(() => {
    worker.stop();
  });
  afterEach(() => {
    fault = undefined;
  });

  it('opens a session and streams the greeting as canonical SSE, chunk by chunk', async () => {
    // Paced as the platform paces it: without delays every chunk is ready at once and any
    // engine may hand them over in a single read, which would prove nothing either way.
    worker.use(...relayMswHandlers({ realtime: true, seed: 3 }));
    const sender = await session();
    const res = await send(sender, { type: 'payload', payload: 'init', label: 'START' }).finally(() => worker.resetHandlers());
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('text/event-stream');
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    let reads = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      reads++;
      text += dec.decode(r.value, { stream: true });
    }
    // Canonical framing: nothing but `data: <json>\n\n` events.
    const events = text.split('\n\n').filter((e) => e !== '');
    for (const e of events) expect(e.startsWith('data: {')).to.equal(true);
    expect(JSON.parse(events[0]!.slice(6))).to.deep.equal({ type: 'processing.start' });
    expect(JSON.parse(events.at(-1)!.slice(6))).to.deep.equal({ type: 'processing.end' });
    // Streamed, not buffered into one piece, where msw can stream through its worker;
    // WebKit has no transferable streams, so msw delivers the (identical) body whole.
    if (streamsThroughWorker()) expect(reads).to.be.greaterThan(1);
    else expect(reads).to.be.at.least(1);
  });

  it('streams an LLM answer whose deltas rebuild the final generated HTML', async () => {
    const chunks = await readAll(await send(await session(), { type: 'payload', payload: 'llm' }));
    let html = '';
    for (const c of chunks) {
      if (c['type'] === 'generation.chunk') html = applyDeltas(html, (c['data'] as { deltas: unknown }).deltas, { unit: 'grapheme' });
    }
    const final = chunks.find((c) => c['is_generated'] === true);
    expect(html).to.equal((final!['data'] as { text: string }).text);
    expect(html).to.contain('<table>');
  });

  it('serves scenario media under the relay path', async () => {
    const chunks = await readAll(await send(await session(), { type: 'payload', payload: 'image' }));
    const src = (chunks.find((c) => c['type'] === 'image')!['data'] as { src: string }).src;
    expect(src).to.equal(`${location.origin}/api/chat/media/assistant.svg`);
    const img = await fetch(src);
    expect(img.headers.get('content-type')).to.match(/^image\/svg\+xml/);
    expect(await img.text()).to.match(/^<svg/);
    // A video is fetched by byte range, as the media stack asks for it.
    const part = await fetch(src.replace('assistant.svg', 'sample.mp4'), { headers: { range: 'bytes=4-7' } });
    expect([part.status, part.headers.get('content-type'), await part.text()]).to.deep.equal([206, 'video/mp4', 'ftyp']);
  });

  it('refuses a forged sender and a missing data with JSON errors', async () => {
    const forged = await send('mock-000000000000000000.abc', { type: 'text', text: 'hi' });
    expect(forged.status).to.equal(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).to.equal('invalid_sender');
    const res = await fetch('/api/chat', { method: 'POST', body: JSON.stringify({ sender: await session() }) });
    expect(res.status).to.equal(400);
  });

  it('takes feedback from a known sender and refuses a forged one', async () => {
    const sender = await session();
    const vote = (who: string) =>
      fetch('/api/chat/feedback', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sender: who, kind: 'thumbs', value: 'up', reasons: [], comment: '', messageId: `${who.split('.')[0]}.1.0` }),
      });
    expect(await (await vote(sender)).json()).to.deep.equal({ ok: true, result: 'created' });
    expect((await vote('mock-000000000000000000.abc')).status).to.equal(403);
  });

  it('passes faults through: status, no-end, cut', async () => {
    const sender = await session();
    fault = { kind: 'status', status: 503 };
    expect((await send(sender, { type: 'text', text: 'hi' })).status).to.equal(503);

    fault = { kind: 'no-end' };
    const chunks = await readAll(await send(sender, { type: 'payload', payload: 'init' }));
    expect(chunks[0]).to.deep.equal({ type: 'processing.start' });
    expect(chunks.map((c) => c['type'])).not.to.include('processing.end');

    // A cut reads as a broken body (streaming engines) or a network error (WebKit, where
    // msw delivers bodies whole): either way the page sees a failure, never a clean end.
    fault = { kind: 'cut', afterChunks: 2 };
    let failed = false;
    try {
      await (await send(sender, { type: 'payload', payload: 'init' })).text();
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
  });
});
