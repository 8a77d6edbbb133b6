import { describe, expect, it } from 'vitest';
import { parseChunk } from '../protocol/parse.js';
import type { Chunk } from '../protocol/types.js';
import { createTranscript, reduce } from './reducer.js';
import { deserializeTranscript, serializeTranscript } from './serialize.js';
import type { BotMessage, Transcript } from './types.js';
import { chunk, send } from './reducer.test-helper.js';

const WIRE = [
  { type: 'audio', data: { src: 'https://cdn.test/a.mp3', title: 'Bell' } },
  { type: 'file', data: { url: 'https://cdn.test/guide.pdf', name: 'Guide', mime_type: 'application/pdf', size: 2048 } },
  { type: 'location', data: { latitude: 45.46, longitude: '9.19', title: 'Shop', address: 'Via Roma 1' } },
  {
    type: 'select',
    data: { label: 'Size?', options: [{ label: 'M', payload: 'size:M' }, { label: '', value: 'size:L' }, { label: 'no payload' }] },
  },
];

function run(chunks: Chunk[]): Transcript {
  let t = reduce(createTranscript(), send('hi'));
  for (const c of [{ type: 'processing.start' } as Chunk, ...chunks, { type: 'processing.end' } as Chunk]) t = reduce(t, chunk(c));
  return t;
}

const bot = (t: Transcript) => t.messages.find((m): m is BotMessage => m.role === 'bot')!;

describe('protocol extensions: audio, file, location, select', () => {
  it('parse tolerantly (variants) and strictly (required fields)', () => {
    expect(WIRE.map(parseChunk)).toEqual([
      { type: 'audio', src: 'https://cdn.test/a.mp3', title: 'Bell' },
      { type: 'file', url: 'https://cdn.test/guide.pdf', name: 'Guide', mimeType: 'application/pdf', size: 2048 },
      { type: 'location', latitude: 45.46, longitude: 9.19, title: 'Shop', address: 'Via Roma 1' },
      {
        type: 'select',
        label: 'Size?',
        options: [
          { label: 'M', payload: 'size:M' },
          { label: 'size:L', payload: 'size:L' },
        ],
      },
    ]);
    const bad = [
      { type: 'audio', data: { src: 5 } },
      { type: 'file', data: { name: 'x' } },
      { type: 'location', data: { latitude: 91, longitude: 0 } },
      { type: 'location', data: { latitude: 'north', longitude: 0 } },
      { type: 'select', data: { options: [] } },
      { type: 'select', data: { options: 'a,b' } },
    ];
    for (const w of bad) expect(parseChunk(w)).toMatchObject({ type: 'unknown', wireType: w.type, reason: expect.any(String) });
    expect(parseChunk({ type: 'file', data: { url: 'https://x.test/f', size: -1 } })).toMatchObject({ size: null, name: '', mimeType: '' });
  });

  it('each becomes one block, in order, and a malformed one warns without losing the rest', () => {
    const t = run([...WIRE.map(parseChunk), { type: 'audio', src: 7, title: '' } as unknown as Chunk]);
    expect(bot(t).blocks.map((b) => b.kind)).toEqual(['audio', 'file', 'location', 'select']);
    expect(bot(t).state).toBe('done');
    expect(t.warnings.at(-1)).toMatchObject({ code: 'invalid-chunk', message: expect.stringContaining('audio') });
  });

  it('survive a save and a reload; a tampered stored block is refused', () => {
    const t = run(WIRE.map(parseChunk));
    const back = deserializeTranscript(serializeTranscript(t));
    expect(back && bot(back).blocks).toEqual(bot(t).blocks);
    const tampered = serializeTranscript(t).replace('"latitude":45.46', '"latitude":"45"');
    expect(deserializeTranscript(tampered)).toBeNull();
  });

  it('count towards the message caps like any block', () => {
    let t = reduce(createTranscript({ maxMessageChars: 40 }), send('hi'));
    t = reduce(t, chunk({ type: 'processing.start' }));
    t = reduce(t, chunk(parseChunk({ type: 'audio', data: { src: `https://cdn.test/${'a'.repeat(60)}.mp3` } })));
    expect(bot(t).blocks).toHaveLength(0);
    expect(t.warnings.at(-1)?.code).toBe('cap-reached');
  });
});
