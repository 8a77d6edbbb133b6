import { expect } from '@open-wc/testing';
import { a11ySnapshot, findAccessibilityNode } from '@web/test-runner-commands';
import { waitUntil } from '../../../test/support/wait-until.js';
import type { Action, ActionsBlock, Block, CarouselBlock, Card } from '../../core/conversation/types.js';
import { botMessage, microtask, mount } from './blocks.test-helper.js';

declare global {
  interface Window {
    __blocksPwned?: number;
  }
}

const text = (id: string, html: string, caption = false): Block => ({ kind: 'text', id, html, caption, generated: false });
const media = (name: string) => `${location.origin}/__blocks_test__/${name}`;
const actions = (id: string, list: Action[]): ActionsBlock => ({ kind: 'actions', id, actions: list });

const HOSTILE_URLS = [
  'javascript:window.__blocksPwned=1',
  ' JaVaScRiPt:window.__blocksPwned=1',
  'java\tscript:window.__blocksPwned=1',
  '&#106;avascript:window.__blocksPwned=1',
  'data:text/html,<script>window.__blocksPwned=1</script>',
  'data:image/svg+xml,<svg onload="window.__blocksPwned=1"/>',
  '/relative/path.png',
  '//evil.example/x.png',
  'http://127.0.0.1:9/x.png',
  'https://localhost/x.png',
  'https://user:pass@example.com/x.png',
  'blob:https://example.com/1234',
];

afterEach(() => {
  document.body.replaceChildren();
  delete window.__blocksPwned;
});

describe('text blocks', () => {
  it('renders sanitized HTML in a bubble, inertly', async () => {
    const m = mount();
    m.draw(
      botMessage([text('b1', '<p>Hi <b>there</b><img src=x onerror="window.__blocksPwned=1"></p><script>window.__blocksPwned=2</script>')]),
    );
    const bubble = m.one('[part~="bubble"]');
    expect(bubble.tagName).to.equal('DIV');
    expect(bubble.querySelector('b')?.textContent).to.equal('there');
    expect(bubble.querySelector('script')).to.equal(null);
    expect(bubble.querySelector('[onerror]')).to.equal(null);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(window.__blocksPwned).to.equal(undefined);
  });

  it('keeps the bubble nodes when the same html renders again, replaces them when it changes', () => {
    const m = mount();
    m.draw(botMessage([text('b1', '<p>one</p>')]));
    const p = m.one('[part~="bubble"] p');
    m.draw(botMessage([text('b1', '<p>one</p>')]));
    expect(m.one('[part~="bubble"] p')).to.equal(p);
    m.draw(botMessage([text('b1', '<p>two</p>')]));
    expect(m.one('[part~="bubble"] p').textContent).to.equal('two');
  });

  it('renders captions as a caption line after the other blocks', () => {
    const m = mount();
    m.draw(botMessage([text('b1', '<p>Fine print</p>', true), text('b2', '<p>Body</p>')]));
    const children = [...m.message.children];
    expect(children.map((c) => c.getAttribute('part'))).to.deep.equal(['bubble', 'caption']);
    expect(children[1]?.textContent).to.equal('Fine print');
  });
});

describe('images', () => {
  it('renders a lazy img with alt text and a reserved box', () => {
    const m = mount();
    m.draw(botMessage([{ kind: 'image', id: 'b1', src: media('cat.png'), alt: 'A cat' }]));
    const img = m.one<HTMLImageElement>('img[part~="image"]');
    expect(img.getAttribute('alt')).to.equal('A cat');
    expect(img.getAttribute('loading')).to.equal('lazy');
    expect(img.getAttribute('decoding')).to.equal('async');
    expect(img.src).to.equal(media('cat.png'));
    // Before it loads the box already has a height: no layout jump when it arrives.
    expect(img.getBoundingClientRect().height).to.be.greaterThan(50);
  });

  it('keeps the natural size once loaded', async () => {
    const m = mount();
    // A real 16x16 PNG served by the test server (loopback only).
    const src = `${location.origin}/node_modules/istanbul-reports/lib/html/assets/favicon.png`;
    m.draw(botMessage([{ kind: 'image', id: 'b1', src, alt: 'Icon' }]));
    const img = m.one<HTMLImageElement>('img[part~="image"]');
    await waitUntil(() => img.classList.contains('loaded'), 'image loaded');
    expect(img.getBoundingClientRect().height).to.equal(img.naturalHeight);
    expect(img.getBoundingClientRect().width).to.equal(img.naturalWidth);
  });

  it('drops an image with a hostile URL, warns once, keeps the rest of the message', async () => {
    for (const src of HOSTILE_URLS) {
      const m = mount();
      const msg = botMessage([text('b1', '<p>before</p>'), { kind: 'image', id: 'b2', src, alt: 'x' }, text('b3', '<p>after</p>')]);
      m.draw(msg);
      m.draw(msg);
      await microtask();
      expect(m.all('img'), src).to.have.length(0);
      expect(
        m.all('[part~="bubble"]').map((b) => b.textContent),
        src,
      ).to.deep.equal(['before', 'after']);
      expect(
        m.warnings.map((w) => w[0]),
        src,
      ).to.deep.equal(['refused-url']);
    }
    expect(window.__blocksPwned).to.equal(undefined);
  });
});

describe('videos', () => {
  it('renders a file in <video controls preload=metadata>, nothing inside it', () => {
    const m = mount({ connected: false });
    m.draw(botMessage([{ kind: 'video', id: 'b1', src: 'https://cdn.example.com/clip.mp4', alt: 'Clip' }]));
    const video = m.one<HTMLVideoElement>('video[part~="video"]');
    expect(video.controls).to.equal(true);
    expect(video.getAttribute('preload')).to.equal('metadata');
    expect(video.getAttribute('src')).to.equal('https://cdn.example.com/clip.mp4');
    // No fallback text or link: every browser of the floor plays <video>, so only the
    // live region's text walk ever met it, and said "cannot play" (third review).
    expect(video.childNodes.length === 0 || video.textContent.trim() === '').to.equal(true);
  });

  const youtube = [
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    'https://youtu.be/dQw4w9WgXcQ',
    'https://www.youtube.com/shorts/dQw4w9WgXcQ',
    'https://www.youtube.com/embed/dQw4w9WgXcQ',
  ];
  for (const src of youtube) {
    it(`loads nothing from YouTube before the click: ${src}`, () => {
      // Disconnected: even the iframe we insert after the click cannot load in the test.
      const m = mount({ connected: false });
      m.draw(botMessage([{ kind: 'video', id: 'b1', src, alt: 'Song' }]));
      const wrapper = m.one('[part~="video"]');
      expect(m.all('iframe')).to.have.length(0);
      expect(m.all('[src]').filter((e) => /youtube|ytimg|youtu\.be/.test(e.getAttribute('src') ?? ''))).to.have.length(0);
      const button = wrapper.querySelector('button');
      expect(button?.textContent).to.contain('Play video on YouTube');
      expect(button?.textContent).to.contain('YouTube');
      const link = m.one<HTMLAnchorElement>('a[part~="link"]');
      expect(link.href).to.equal('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
      expect(link.target).to.equal('_blank');

      button!.click();
      const iframe = m.one<HTMLIFrameElement>('[part~="video"] iframe');
      expect(iframe.src).to.match(/^https:\/\/www\.youtube-nocookie\.com\/embed\/dQw4w9WgXcQ(\?|$)/);
      expect(iframe.getAttribute('sandbox')).to.contain('allow-scripts');
      expect(iframe.getAttribute('allow')).to.contain('fullscreen');
      expect(wrapper.querySelector('button')).to.equal(null);

      // A later render of the same message keeps the player.
      m.draw(botMessage([{ kind: 'video', id: 'b1', src, alt: 'Song' }]));
      expect(m.one('[part~="video"] iframe')).to.equal(iframe);
    });
  }

  it('embeds Vimeo through player.vimeo.com after the click', () => {
    const m = mount({ connected: false });
    m.draw(botMessage([{ kind: 'video', id: 'b1', src: 'https://vimeo.com/76979871', alt: '' }]));
    expect(m.all('iframe')).to.have.length(0);
    m.one('[part~="video"] button').click();
    expect(m.one<HTMLIFrameElement>('iframe').src).to.match(/^https:\/\/player\.vimeo\.com\/video\/76979871(\?|$)/);
  });

  it('shows Wistia and Drive videos as links', () => {
    const m = mount({ connected: false });
    m.draw(
      botMessage([
        { kind: 'video', id: 'b1', src: 'https://home.wistia.com/medias/e4a27b971d', alt: 'Demo' },
        { kind: 'video', id: 'b2', src: 'https://drive.google.com/file/d/abc/view', alt: '' },
      ]),
    );
    expect(m.all('video, iframe')).to.have.length(0);
    const links = m.all('a[part~="link"]') as HTMLAnchorElement[];
    expect(links.map((a) => a.href)).to.deep.equal([
      'https://home.wistia.com/medias/e4a27b971d',
      'https://drive.google.com/file/d/abc/view',
    ]);
    expect(links[0]?.textContent).to.contain('Demo');
    expect(links[1]?.textContent).to.contain('Google Drive');
  });

  it('drops videos with hostile URLs and keeps the rest', async () => {
    for (const src of HOSTILE_URLS) {
      const m = mount({ connected: false });
      m.draw(botMessage([{ kind: 'video', id: 'b1', src, alt: 'x' }, text('b2', '<p>kept</p>')]));
      await microtask();
      expect(m.all('video, iframe, [part~="video"], a'), src).to.have.length(0);
      expect(m.one('[part~="bubble"]').textContent).to.equal('kept');
      expect(m.warnings.map((w) => w[0])).to.deep.equal(['refused-url']);
    }
  });
});

describe('quick replies', () => {
  const list: Action[] = [
    { type: 'button', label: 'Yes', payload: 'confirm_yes' },
    { type: 'button', label: '<script>window.__blocksPwned=1</script>', payload: 'p2' },
    { type: 'link', label: 'Website', url: 'https://indigo.ai/' },
    { type: 'link', label: 'Call us', url: 'tel:+393333333333' },
    { type: 'link', label: 'Write', url: 'mailto:hello@indigo.ai' },
  ];

  it('renders buttons and links as native elements; a click sends payload and label', () => {
    const m = mount();
    m.draw(botMessage([actions('b1', list)]), { activeActionsId: 'b1' });
    const group = m.one('[part~="quick-replies"]');
    expect(group.getAttribute('role')).to.equal('group');
    expect(group.getAttribute('aria-label')).to.equal('Quick replies');
    const buttons = m.all('button[part~="button"]') as HTMLButtonElement[];
    expect(buttons.map((b) => b.textContent?.trim())).to.deep.equal(['Yes', '<script>window.__blocksPwned=1</script>']);
    expect(m.all('script')).to.have.length(0);
    buttons[0]!.click();
    buttons[1]!.click();
    expect(m.payloads).to.deep.equal([
      ['confirm_yes', 'Yes'],
      ['p2', '<script>window.__blocksPwned=1</script>'],
    ]);
    expect(buttons[0]!.disabled).to.equal(false);
    expect(window.__blocksPwned).to.equal(undefined);
  });

  it('disables the buttons of a block that is not the active one, links keep working', () => {
    const m = mount();
    m.draw(botMessage([actions('b1', list)]), { activeActionsId: 'b7' });
    const buttons = m.all('button[part~="button"]') as HTMLButtonElement[];
    for (const b of buttons) {
      expect(b.disabled).to.equal(true);
      expect(b.getAttribute('aria-disabled')).to.equal('true');
    }
    buttons[0]!.click();
    expect(m.payloads).to.deep.equal([]);
    expect(m.all('a[part~="link"]')).to.have.length(3);
    // Becoming active again re-enables them.
    m.draw(botMessage([actions('b1', list)]), { activeActionsId: 'b1' });
    expect(buttons[0]!.disabled).to.equal(false);
    expect(buttons[0]!.hasAttribute('aria-disabled')).to.equal(false);
  });

  it('opens web links in a new tab safely; tel and mailto get icons and accessible labels', () => {
    const m = mount();
    m.draw(botMessage([actions('b1', list)]), { activeActionsId: 'b1' });
    const [web, tel, mail] = m.all('a[part~="link"]') as HTMLAnchorElement[];
    expect(web!.href).to.equal('https://indigo.ai/');
    expect(web!.target).to.equal('_blank');
    expect(web!.rel).to.equal('noopener noreferrer');
    expect(web!.querySelector('.visually-hidden')?.textContent).to.contain('opens in a new tab');
    expect(tel!.getAttribute('href')).to.equal('tel:+393333333333');
    expect(tel!.hasAttribute('target')).to.equal(false);
    expect(tel!.getAttribute('aria-label')).to.match(/^Call \+393333333333/);
    expect(tel!.getAttribute('aria-label')).to.contain('Call us');
    expect(tel!.querySelector('svg')).to.not.equal(null);
    expect(mail!.getAttribute('href')).to.equal('mailto:hello@indigo.ai');
    expect(mail!.getAttribute('aria-label')).to.match(/^Email hello@indigo\.ai/);
    expect(mail!.querySelector('svg')).to.not.equal(null);
  });

  it('drops links with hostile URLs, one by one, keeping the rest', async () => {
    const m = mount();
    const hostile: Action[] = HOSTILE_URLS.map((url, i) => ({ type: 'link', label: `bad ${i}`, url }));
    m.draw(botMessage([actions('b1', [...hostile, ...list])]), { activeActionsId: 'b1' });
    await microtask();
    const links = m.all('a[part~="link"]') as HTMLAnchorElement[];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://indigo.ai/', 'tel:+393333333333', 'mailto:hello@indigo.ai']);
    expect(m.all('button[part~="button"]')).to.have.length(2);
    expect(m.warnings.filter((w) => w[0] === 'refused-url')).to.have.length(HOSTILE_URLS.length);
    for (const a of links) a.addEventListener('click', (e) => e.preventDefault());
  });

  it('localises strings in Italian', () => {
    const m = mount({ lang: 'it-IT' });
    m.draw(botMessage([actions('b1', list)]), { activeActionsId: 'b1', lang: 'it-IT' });
    expect(m.one('[part~="quick-replies"]').getAttribute('aria-label')).to.equal('Risposte rapide');
    expect(m.all('a[part~="link"]')[1]?.getAttribute('aria-label')).to.match(/^Chiama \+39/);
  });
});

function card(index: number, overrides: Partial<Card> = {}): Card {
  return {
    index,
    title: `Title ${index}`,
    description: `Description ${index}`,
    image: { src: media(`card-${index}.png`), alt: `Image ${index}` },
    actions: [{ type: 'button', label: `Pick ${index}`, payload: `pick_${index}` }],
    state: 'done',
    ...overrides,
  };
}

function carousel(cards: Card[], id = 'b1'): CarouselBlock {
  return { kind: 'carousel', id, carouselId: 'c1', cards, state: 'done' };
}

describe('carousel', () => {
  const five = () => [1, 2, 3, 4, 5].map((i) => card(i));

  it('renders a labelled region of labelled slides with native parts', async () => {
    const m = mount();
    m.draw(botMessage([carousel(five()), actions('b2', [{ type: 'button', label: 'More', payload: 'more' }])]), {
      activeActionsId: 'b2',
    });
    await microtask();
    const region = m.one('[part~="carousel"]');
    expect(region.getAttribute('role')).to.equal('region');
    expect(region.getAttribute('aria-roledescription')).to.equal('carousel');
    expect(region.getAttribute('aria-label')).to.be.a('string').and.not.equal('');
    const cards = m.all('[part~="card"]');
    expect(cards).to.have.length(5);
    expect(cards[1]!.getAttribute('role')).to.equal('group');
    expect(cards[1]!.getAttribute('aria-roledescription')).to.equal('slide');
    expect(cards[1]!.getAttribute('aria-label')).to.equal('Card 2 of 5: Title 2');
    expect(cards[1]!.querySelector('img[part~="card-image"]')?.getAttribute('alt')).to.equal('Image 2');
    expect(cards[1]!.querySelector('[part~="card-title"]')?.textContent).to.equal('Title 2');
    expect(cards[1]!.querySelector('[part~="card-description"]')?.textContent).to.equal('Description 2');
    const strip = region.querySelector('.carousel-strip') as HTMLElement;
    const style = getComputedStyle(strip);
    expect(style.overflowX).to.equal('auto');
    expect(style.scrollSnapType).to.contain('x');
    // Same turn as the active quick replies: card buttons work.
    (cards[1]!.querySelector('button[part~="button"]') as HTMLButtonElement).click();
    expect(m.payloads).to.deep.equal([['pick_2', 'Pick 2']]);
  });

  // The strip is a Tab stop (the way in to the arrow keys, Home and End between cards, and
  // to scrolling a strip of cards without buttons): a named group, not a nameless stop.
  it("the scrolling strip, a Tab stop, is a group named in the visitor's language", async () => {
    const named: string[] = [];
    for (const lang of ['en', 'it']) {
      const m = mount({ lang });
      m.draw(botMessage([carousel(five())]), { activeActionsId: null, lang });
      await microtask();
      const strip = m.one('.carousel-strip');
      expect(strip.tabIndex).to.equal(0);
      expect(strip.getAttribute('role')).to.equal('group');
      named.push(strip.getAttribute('aria-label')!);
      expect(strip.getAttribute('aria-label')).to.not.equal(m.one('[part~="carousel"]').getAttribute('aria-label'));
      if (lang === 'en' && navigator.userAgent.includes('Chrome/')) {
        // Chromium's accessibility tree, as a screen reader gets it.
        type AXNode = { role: string; name: string; children: AXNode[] };
        const tree = (await a11ySnapshot({})) as unknown as AXNode;
        const node = findAccessibilityNode<AXNode>(tree, (n) => n.name === 'Card list');
        expect(node?.role).to.equal('group');
      }
      document.body.replaceChildren();
    }
    expect(named).to.deep.equal(['Card list', 'Elenco delle schede']);
  });

  it('disables card buttons of an older turn', () => {
    const m = mount();
    m.draw(botMessage([carousel(five())]), { activeActionsId: 'b99' });
    const button = m.one<HTMLButtonElement>('[part~="card"] button[part~="button"]');
    expect(button.disabled).to.equal(true);
  });

  it('keeps card buttons of the latest carousel-only turn active', () => {
    const m = mount();
    const button = () => m.one<HTMLButtonElement>('[part~="card"] button[part~="button"]');
    m.draw(botMessage([carousel(five())]), { activeActionsId: null });
    expect(button().disabled).to.equal(false);
    m.draw(botMessage([carousel(five())]), { activeActionsId: null, activeMessageId: 'm1' });
    expect(button().disabled).to.equal(false);
    m.draw(botMessage([carousel(five())]), { activeActionsId: null, activeMessageId: 'm2' });
    expect(button().disabled).to.equal(true);
    m.draw(botMessage([carousel(five())]), { activeActionsId: null, activeMessageId: null });
    expect(button().disabled).to.equal(true);
  });

  it('prev/next move one card, are disabled at the ends, and announce the position', async () => {
    const m = mount();
    m.draw(botMessage([carousel(five())]));
    await microtask();
    const prev = m.one<HTMLButtonElement>('[part~="carousel-prev"]');
    const next = m.one<HTMLButtonElement>('[part~="carousel-next"]');
    const strip = m.one('.carousel-strip');
    const status = m.one('.carousel-status');
    expect(prev.getAttribute('aria-label')).to.equal('Previous card');
    expect(next.getAttribute('aria-label')).to.equal('Next card');
    expect(prev.disabled).to.equal(true);
    expect(next.disabled).to.equal(false);
    expect(status.getAttribute('aria-live')).to.equal('polite');

    next.click();
    expect(prev.disabled).to.equal(false);
    const cards = m.all('[part~="card"]') as HTMLElement[];
    // Card 2 comes to rest where card 1 started (just inside the strip's padding).
    const rest = cards[0]!.offsetLeft;
    await waitUntil(() => Math.abs(strip.scrollLeft - (cards[1]!.offsetLeft - rest)) <= 1, 'scrolled to card 2');
    await waitUntil(() => status.textContent === 'Card 2 of 5', 'announced card 2');

    for (let i = 0; i < 6; i++) next.click();
    expect(next.disabled).to.equal(true);
    await waitUntil(() => status.textContent === 'Card 5 of 5', 'announced card 5');
    prev.click();
    await waitUntil(() => status.textContent === 'Card 4 of 5', 'announced card 4');
    expect(next.disabled).to.equal(false);
  });

  it('follows a swipe (native scrolling): the visible card becomes current and is announced', async () => {
    const m = mount();
    m.draw(botMessage([carousel(five())]));
    await microtask();
    const strip = m.one('.carousel-strip');
    const cards = m.all('[part~="card"]') as HTMLElement[];
    strip.scrollLeft = cards[2]!.offsetLeft;
    // Firefox's smooth scroll is slower than open-wc's 1 s default wait: allow it to end.
    await waitUntil(() => m.one('.carousel-status').textContent === 'Card 3 of 5', 'announced card 3');
    expect(m.one<HTMLButtonElement>('[part~="carousel-prev"]').disabled).to.equal(false);
    m.one<HTMLButtonElement>('[part~="carousel-next"]').click();
    await waitUntil(() => m.one('.carousel-status').textContent === 'Card 4 of 5', 'next goes on from the swiped card');
  });

  it('arrow keys, Home and End move focus between cards', async () => {
    const m = mount();
    m.draw(botMessage([carousel(five())]));
    await microtask();
    const strip = m.one('.carousel-strip');
    const cards = m.all('[part~="card"]') as HTMLElement[];
    const key = (k: string) => {
      const target = (m.root.activeElement as HTMLElement | null) ?? strip;
      target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true }));
    };
    strip.focus();
    key('ArrowRight');
    expect(m.root.activeElement).to.equal(cards[1]);
    key('ArrowRight');
    expect(m.root.activeElement).to.equal(cards[2]);
    key('ArrowLeft');
    expect(m.root.activeElement).to.equal(cards[1]);
    key('End');
    expect(m.root.activeElement).to.equal(cards[4]);
    expect(m.one<HTMLButtonElement>('[part~="carousel-next"]').disabled).to.equal(true);
    key('ArrowRight');
    expect(m.root.activeElement).to.equal(cards[4]);
    key('Home');
    expect(m.root.activeElement).to.equal(cards[0]);
    expect(m.one<HTMLButtonElement>('[part~="carousel-prev"]').disabled).to.equal(true);
    await waitUntil(() => strip.scrollLeft <= 1, 'scrolled back to the start');
    // …and stays there once every animation has ended (no earlier End scroll finishing late).
    await new Promise((r) => setTimeout(r, 600));
    expect(strip.scrollLeft).to.be.at.most(1);
  });

  it('renders cards without images, drops hostile images and links, keeps the cards', async () => {
    const m = mount();
    const cards = [
      card(1, { image: null }),
      ...HOSTILE_URLS.map((src, i) =>
        card(i + 2, {
          image: { src, alt: 'bad' },
          actions: [
            { type: 'link', label: 'bad link', url: src },
            { type: 'link', label: 'good link', url: 'https://indigo.ai/' },
          ],
        }),
      ),
    ];
    m.draw(botMessage([carousel(cards)]));
    await microtask();
    expect(m.all('[part~="card"]')).to.have.length(cards.length);
    expect(m.all('img')).to.have.length(0);
    expect(m.all('a[part~="link"]').map((a) => a.getAttribute('href'))).to.deep.equal(HOSTILE_URLS.map(() => 'https://indigo.ai/'));
    expect(m.all('[part~="card-title"]').map((t) => t.textContent)).to.deep.equal(cards.map((c) => c.title));
  });

  it('says "Scheda 2 di 5" in Italian', () => {
    const m = mount({ lang: 'it' });
    m.draw(botMessage([carousel(five())]), { lang: 'it' });
    expect(m.all('[part~="card"]')[1]?.getAttribute('aria-label')).to.equal('Scheda 2 di 5: Title 2');
  });

  it('grows while streaming without losing the strip', async () => {
    const m = mount();
    const streaming = (n: number): Block => ({
      ...carousel([1, 2, 3, 4, 5].slice(0, n).map((i) => card(i))),
      state: 'streaming',
    });
    m.draw(botMessage([streaming(1)], 'streaming'));
    await microtask();
    const strip = m.one('.carousel-strip');
    expect(m.one<HTMLButtonElement>('[part~="carousel-next"]').disabled).to.equal(true);
    m.draw(botMessage([streaming(3)], 'streaming'));
    await microtask();
    expect(m.one('.carousel-strip')).to.equal(strip);
    expect(m.all('[part~="card"]').map((c) => c.getAttribute('aria-label'))).to.deep.equal([
      'Card 1 of 3: Title 1',
      'Card 2 of 3: Title 2',
      'Card 3 of 3: Title 3',
    ]);
    expect(m.one<HTMLButtonElement>('[part~="carousel-next"]').disabled).to.equal(false);
  });
});
