import { expect } from '@open-wc/testing';
import type { Block } from '../../core/conversation/types.js';
import { fileType, formatSize } from './extension-blocks.js';
import { mapUrl } from './render-blocks.js';
import { botMessage, microtask, mount } from './blocks.test-helper.js';

const own = (name: string) => `${location.origin}/__blocks_test__/${name}`;
const audio = (src: string, title = ''): Block => ({ kind: 'audio', id: 'a1', src, title });
const file = (url: string, name = '', size: number | null = null, mimeType = ''): Block => ({
  kind: 'file',
  id: 'f1',
  url,
  name,
  mimeType,
  size,
});
const select: Block = {
  kind: 'select',
  id: 's1',
  label: 'Which size?',
  options: [
    { label: 'S', payload: 'size:S' },
    { label: 'M', payload: 'size:M' },
  ],
};

afterEach(() => document.body.replaceChildren());

describe('audio block', () => {
  it('is a native <audio controls preload="none"> as part "audio"', () => {
    const m = mount();
    m.draw(botMessage([audio(own('bell.wav'), 'Bike bell')]));
    const el = m.one<HTMLAudioElement>('[part~="audio"]');
    expect([el.tagName, el.controls, el.preload, el.getAttribute('aria-label'), el.src]).to.deep.equal([
      'AUDIO',
      true,
      'none',
      'Bike bell',
      own('bell.wav'),
    ]);
  });

  it('drops a URL the policy refuses, and warns', async () => {
    const m = mount();
    for (const src of ['javascript:alert(1)', 'http://cdn.example.com/x.mp3', 'data:audio/wav;base64,AAAA']) {
      m.draw(botMessage([audio(src)]));
      expect(m.all('[part~="audio"]')).to.have.length(0);
    }
    await microtask();
    expect(m.warnings.map(([code]) => code)).to.include('refused-url');
  });
});

describe('file block', () => {
  it('links the file with name, type icon and size; download only for same-origin URLs', () => {
    const m = mount();
    m.draw(botMessage([file(own('size-guide.pdf'), 'Size guide', 2048)]));
    const a = m.one<HTMLAnchorElement>('[part~="file"]');
    expect([a.tagName, a.hasAttribute('download'), a.target]).to.deep.equal(['A', true, '']);
    expect(a.querySelector('.file-name')?.textContent).to.equal('Size guide');
    expect(a.querySelector('.file-type')?.textContent).to.equal('PDF');
    expect(a.querySelector('.file-size')?.textContent).to.equal('2 KB');
    expect(a.textContent?.replace(/\s+/g, ' ').trim()).to.equal('PDF Size guide (PDF) 2 KB');

    m.draw(botMessage([file('https://cdn.example.com/docs/Price%20list.xlsx')]));
    const b = m.one<HTMLAnchorElement>('[part~="file"]');
    expect([b.hasAttribute('download'), b.target, b.rel]).to.deep.equal([false, '_blank', 'noopener noreferrer']);
    expect(b.querySelector('.file-name')?.textContent).to.equal('Price list.xlsx');
    expect(b.querySelector('.file-size')).to.equal(null);
  });

  it('refuses hostile URLs', () => {
    const m = mount();
    for (const url of ['javascript:alert(1)', 'mailto:a@b.test', 'tel:+3902', '/relative.pdf', 'https://localhost/x.pdf']) {
      m.draw(botMessage([file(url, 'x')]));
      expect(m.all('[part~="file"]'), url).to.have.length(0);
    }
  });

  it('names types and sizes', () => {
    expect(fileType({ name: '', url: 'https://x.test/a', mimeType: 'audio/mpeg' })).to.equal('MPEG');
    expect(fileType({ name: 'a.tar.gz', url: 'https://x.test/a', mimeType: '' })).to.equal('GZ');
    expect(fileType({ name: 'readme', url: 'https://x.test/a', mimeType: '' })).to.equal('');
    expect([formatSize(null, 'en'), formatSize(900, 'en'), formatSize(1536, 'en'), formatSize(5 * 1024 * 1024, 'it')]).to.deep.equal([
      '',
      '900 B',
      '1.5 KB',
      '5 MB',
    ]);
  });
});

describe('location block', () => {
  it('shows title, address and a map link; loads nothing from a map provider', () => {
    const m = mount();
    m.draw(
      botMessage([
        { kind: 'location', id: 'l1', latitude: 45.4642, longitude: 9.19, title: 'Indigo Milano', address: 'Piazza del Duomo 1' },
      ]),
    );
    const box = m.one('[part~="location"]');
    expect(box.textContent).to.contain('Indigo Milano').and.contain('Piazza del Duomo 1');
    const link = box.querySelector<HTMLAnchorElement>('a[part~="link"]')!;
    expect(link.href).to.equal(mapUrl(45.4642, 9.19));
    expect(link.href).to.equal('https://www.openstreetmap.org/?mlat=45.464200&mlon=9.190000#map=16/45.464200/9.190000');
    expect([link.target, link.rel]).to.deep.equal(['_blank', 'noopener noreferrer']);
    expect(box.querySelectorAll('img, iframe, object, embed')).to.have.length(0);
  });

  it('falls back to a localized title', () => {
    const m = mount({ lang: 'it' });
    m.draw(botMessage([{ kind: 'location', id: 'l1', latitude: 1, longitude: 2, title: '', address: '' }]));
    expect(m.one('[part~="location"]').getAttribute('aria-label')).to.equal('Posizione');
    expect(m.one('[part~="location"] a').textContent).to.contain('Apri in OpenStreetMap');
  });
});

describe('select block', () => {
  it('a labelled native <select> whose send sends the chosen option', () => {
    const m = mount();
    m.draw(botMessage([select]));
    const el = m.one<HTMLSelectElement>('[part~="select"]');
    expect(el.tagName).to.equal('SELECT');
    expect(m.one<HTMLLabelElement>('label').htmlFor).to.equal(el.id);
    expect([...el.options].map((o) => o.textContent)).to.deep.equal(['Choose…', 'S', 'M']);
    const send = m.one<HTMLButtonElement>('.select-send');
    send.click();
    expect(m.payloads).to.deep.equal([]); // nothing chosen yet
    el.value = '1';
    send.click();
    expect(m.payloads).to.deep.equal([['size:M', 'M']]);
  });

  it('is disabled in an older turn, like quick replies', () => {
    const m = mount();
    m.draw(botMessage([select]), { activeMessageId: 'another-message' });
    expect(m.one<HTMLSelectElement>('[part~="select"]').disabled).to.equal(true);
    const send = m.one<HTMLButtonElement>('.select-send');
    expect(send.disabled).to.equal(true);
  });

  it('is keyboard operable: Enter in the select submits', () => {
    const m = mount();
    m.draw(botMessage([select]));
    const el = m.one<HTMLSelectElement>('[part~="select"]');
    el.value = '0';
    m.one<HTMLFormElement>('form').requestSubmit();
    expect(m.payloads).to.deep.equal([['size:S', 'S']]);
  });
});
