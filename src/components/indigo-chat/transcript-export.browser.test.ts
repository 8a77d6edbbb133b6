// The downloaded transcript holds every block the visitor saw: the protocol extensions
// (audio, file, location, select) and each carousel card's image and actions too, every
// URL through the view's URL policy (nothing it refuses is written, in .txt or .html).
import { expect } from '@open-wc/testing';
import { createTranscript } from '../../core/conversation/reducer.js';
import type { AudioBlock, Block, FileBlock, LocationBlock, Message, SelectBlock, Transcript } from '../../core/conversation/types.js';
import { ensureSanitizer } from '../../html/sanitize.js';
import { buildTranscript, type ExportOptions } from './transcript-export.js';

const AT = Date.UTC(2026, 10, 29, 10, 0);
const MAP = 'https://www.openstreetmap.org/?mlat=45.460000&mlon=9.190000#map=16/45.460000/9.190000';

function transcript(...blocks: Block[]): Transcript {
  const messages: Message[] = [
    { id: 'u1', role: 'user', text: 'Where are you?', data: { type: 'text', text: 'Where are you?' }, status: 'sent', at: AT },
    { id: 'b1', role: 'bot', blocks, state: 'done', at: AT + 1000 },
  ];
  return { ...createTranscript(), messages };
}

function options(format: 'txt' | 'html', lang = 'en'): ExportOptions {
  return {
    format,
    title: 'Shop',
    siteTitle: 'Shop',
    lang,
    dir: 'ltr',
    mediaOrigins: [],
    now: AT,
    you: 'You',
    assistant: 'Assistant',
    heading: (t) => t,
  };
}

/** The bot entry's lines in the .txt (what follows `Assistant (date):`). */
function botLines(t: Transcript, lang = 'en'): string[] {
  const content = buildTranscript(t, options('txt', lang)).content;
  const at = content.indexOf('Assistant (');
  expect(at, `no bot entry in:\n${content}`).to.be.greaterThan(-1);
  return content
    .slice(content.indexOf('\n', at) + 1)
    .trimEnd()
    .split('\n');
}

/** The .html's bot entry lines (its `.extra` paragraphs), parsed as the visitor's browser opens the file. */
function htmlLines(t: Transcript): string[] {
  const doc = new DOMParser().parseFromString(buildTranscript(t, options('html')).content, 'text/html');
  return [...doc.querySelectorAll('li.bot p.extra')].map((p) => p.textContent ?? '');
}

const location: LocationBlock = {
  kind: 'location',
  id: 'l',
  latitude: 45.46,
  longitude: 9.19,
  title: 'Indigo Bikes Milano',
  address: 'Via Roma 1, Milano',
};
const file: FileBlock = {
  kind: 'file',
  id: 'f',
  url: 'https://cdn.example.com/price-list.pdf',
  name: 'Price list.pdf',
  mimeType: 'application/pdf',
  size: 1000,
};
const select: SelectBlock = {
  kind: 'select',
  id: 's',
  label: 'Pick a size',
  options: [
    { label: 'Small', payload: 's' },
    { label: 'Large', payload: 'l' },
  ],
};
const audio: AudioBlock = { kind: 'audio', id: 'a', src: 'https://cdn.example.com/hello.mp3', title: 'Welcome' };

describe('transcript export: every block', () => {
  it('a bot message of extension blocks only is exported, in .txt and .html', () => {
    const t = transcript(location, file, select, audio);
    const expected = [
      'Indigo Bikes Milano, Via Roma 1, Milano',
      `[Open in OpenStreetMap] ${MAP}`,
      '[Price list.pdf] https://cdn.example.com/price-list.pdf',
      'Pick a size',
      '[Small] [Large]',
      '[Welcome] https://cdn.example.com/hello.mp3',
    ];
    expect(botLines(t)).to.deep.equal(expected);
    expect(htmlLines(t)).to.deep.equal(expected);
  });

  it('carousel cards keep their image, buttons and links (as images and quick replies are)', () => {
    const t = transcript({
      kind: 'carousel',
      id: 'c',
      carouselId: 'c1',
      state: 'done',
      cards: [
        {
          index: 0,
          title: 'City bike',
          description: 'Fast',
          image: { src: 'https://cdn.example.com/city.jpg', alt: 'A city bike' },
          actions: [
            { type: 'link', label: 'Buy', url: 'https://shop.example.com/city' },
            { type: 'button', label: 'Details', payload: 'city' },
          ],
          state: 'done',
        },
        { index: 1, title: 'Gravel', description: '', image: null, actions: [], state: 'done' },
      ],
    });
    const expected = [
      '- City bike: Fast',
      '[A city bike] https://cdn.example.com/city.jpg',
      '[Buy] https://shop.example.com/city [Details]',
      '- Gravel',
    ];
    expect(botLines(t)).to.deep.equal(expected);
    expect(htmlLines(t)).to.deep.equal(expected);
  });

  it('words of its own come from the language (the blocks’ own strings)', () => {
    const t = transcript({ ...location, title: '', address: '' }, { ...select, label: '' }, { ...audio, title: '' });
    expect(botLines(t, 'it')).to.deep.equal([
      'Posizione',
      `[Apri in OpenStreetMap] ${MAP}`,
      "Scegli un'opzione",
      '[Small] [Large]',
      '[Messaggio audio] https://cdn.example.com/hello.mp3',
    ]);
  });

  it('a URL the view refuses is not written: not in the .txt, not in the .html', () => {
    const bad = 'javascript:alert(1)';
    const t = transcript(
      { ...audio, src: bad },
      { ...file, url: 'javascript:alert(2)' },
      { ...file, id: 'f2', url: 'http://127.0.0.1/secret.pdf', name: 'Local.pdf' },
      { kind: 'image', id: 'i', src: 'javascript:alert(3)', alt: 'x' },
      {
        kind: 'actions',
        id: 'q',
        actions: [
          { type: 'link', label: 'Evil', url: 'javascript:alert(4)' },
          { type: 'button', label: 'Ok', payload: 'ok' },
        ],
      },
      {
        kind: 'carousel',
        id: 'c',
        carouselId: 'c1',
        state: 'done',
        cards: [
          {
            index: 0,
            title: '<img src=x onerror=alert(5)>',
            description: '',
            image: { src: 'data:image/png;base64,AAAA', alt: 'pixel' },
            actions: [{ type: 'link', label: 'Evil', url: 'JaVaScRiPt:alert(6)' }],
            state: 'done',
          },
        ],
      },
    );
    const expected = ['[Ok]', '- <img src=x onerror=alert(5)>'];
    expect(botLines(t)).to.deep.equal(expected);
    expect(htmlLines(t)).to.deep.equal(expected);
    for (const format of ['txt', 'html'] as const) {
      const content = buildTranscript(t, options(format)).content;
      expect(content.toLowerCase(), format).not.to.include('javascript:');
      expect(content, format).not.to.include('127.0.0.1');
      expect(content, format).not.to.include('data:image');
    }
    const doc = new DOMParser().parseFromString(buildTranscript(t, options('html')).content, 'text/html');
    expect(doc.querySelectorAll('li.bot img, li.bot a').length).to.equal(0);
  });

  it('each entry keeps its own direction in the .html (a Hebrew answer in an English transcript reads right to left)', async () => {
    await ensureSanitizer(); // its HTML goes through the sanitizer (DOMPurify's chunk in WebKit)
    const t = transcript({ kind: 'text', id: 't', html: '<p>שלום, איך אפשר לעזור?</p>', caption: false, generated: false });
    const doc = new DOMParser().parseFromString(buildTranscript(t, options('html')).content, 'text/html');
    const entries = [...doc.querySelectorAll('li > div')];
    expect(entries.map((d) => d.getAttribute('dir'))).to.deep.equal(['auto', 'auto']);
  });
});
