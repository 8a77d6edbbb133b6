// The video block in real engines: what a visitor is left with when a <video> cannot play,
// and which player (if any) a YouTube/Vimeo URL becomes. render-blocks.browser.test.ts has
// the basics (a file, the click-to-load embeds, hostile URLs).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import type { Block } from '../../core/conversation/types.js';
import { botMessage, mount, type Mounted } from './blocks.test-helper.js';

const video = (src: string, alt = ''): Block => ({ kind: 'video', id: 'v1', src, alt });

/** The failed <video> has been replaced by its link. Not "the <video> has an error": the
 * engine sets `error` a task before the `error` event the block listens to, so a check
 * made in between still finds the player (a Firefox and WebKit flake). */
async function settled(m: Mounted): Promise<void> {
  await waitUntil(() => m.all('a[part~="link"]').length > 0, 'the failed <video> became a link');
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('a <video> that cannot play', () => {
  it('becomes a link to the page the bot sent, with its alt as text', async () => {
    // A web page, not a media file: classifyVideo cannot tell, the <video> finds out.
    const src = `${location.origin}/talks/how-to-choose-a-bike`;
    const m = mount();
    m.draw(botMessage([video(src, 'How to choose a bike')]));
    expect(m.all('video')).to.have.length(1);
    await settled(m);
    expect(m.all('video'), 'the failed <video> is gone').to.have.length(0);
    const links = m.all('a[part~="link"]') as HTMLAnchorElement[];
    expect(links.map((a) => a.href)).to.deep.equal([src]);
    expect(links[0]!.textContent).to.contain('How to choose a bike');
    expect(links[0]!.target).to.equal('_blank');
    expect(links[0]!.rel).to.contain('noopener');
    expect(links[0]!.getBoundingClientRect().height).to.be.greaterThan(0);

    // A later render of the message (the stream goes on) keeps the link.
    m.draw(botMessage([video(src, 'How to choose a bike')]));
    expect(m.all('video')).to.have.length(0);
    expect(m.all('a[part~="link"]')).to.have.length(1);
  });

  it('without an alt, says "Open the video"; a new URL gets a player again', async () => {
    const m = mount();
    m.draw(botMessage([video(`${location.origin}/__video_test__/missing.mp4`)]));
    await settled(m);
    expect(m.all('video')).to.have.length(0);
    expect(m.one('a[part~="link"]').textContent).to.contain('Open the video');

    m.draw(botMessage([video(`${location.origin}/__video_test__/other.webm`)]));
    expect(m.all('video')).to.have.length(1);
    expect(m.all('a[part~="link"]')).to.have.length(0);
  });

  it('hands focus on the player to the link that replaces it', async () => {
    const src = `${location.origin}/__video_test__/focused.mp4`;
    const m = mount();
    // Off screen: nothing preloads, so the failure comes only when the visitor starts it.
    m.draw(botMessage([video(src, 'Clip')]), { shown: false });
    const player = m.one<HTMLVideoElement>('video');
    expect(player.getAttribute('preload')).to.equal('none');
    player.focus();
    expect(m.root.activeElement).to.equal(player);
    player.load();
    await settled(m);
    const link = m.one<HTMLAnchorElement>('a[part~="link"]');
    expect(m.root.activeElement).to.equal(link);
  });
});

describe('which player a YouTube or Vimeo URL gets', () => {
  it('starts a YouTube video where the URL says (t=1m30s)', () => {
    const m = mount({ connected: false });
    m.draw(botMessage([video('https://youtu.be/dQw4w9WgXcQ?t=1m30s', 'Song')]));
    m.one('[part~="video"] button').click();
    const iframe = m.one<HTMLIFrameElement>('[part~="video"] iframe');
    const src = new URL(iframe.src);
    expect(`${src.origin}${src.pathname}`).to.equal('https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ');
    expect(src.searchParams.get('start')).to.equal('90');
    // "Open on YouTube" starts there too.
    expect(m.one<HTMLAnchorElement>('a[part~="link"]').href).to.equal('https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s');
    // The player keeps its sandbox and referrer policy.
    expect(iframe.getAttribute('sandbox')).to.equal(
      'allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox',
    );
    expect(iframe.getAttribute('referrerpolicy')).to.equal('strict-origin-when-cross-origin');
  });

  it('plays an unlisted Vimeo video with its hash (vimeo.com/<id>/<hash>)', () => {
    const m = mount({ connected: false });
    m.draw(botMessage([video('https://vimeo.com/76979871/8272103f6e')]));
    expect(m.one<HTMLAnchorElement>('a[part~="link"]').href).to.equal('https://vimeo.com/76979871/8272103f6e');
    m.one('[part~="video"] button').click();
    const src = new URL(m.one<HTMLIFrameElement>('[part~="video"] iframe').src);
    expect(`${src.origin}${src.pathname}`).to.equal('https://player.vimeo.com/video/76979871');
    expect(src.searchParams.get('h')).to.equal('8272103f6e');
  });

  for (const src of [
    'https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG',
    'https://www.youtube.com/embed/live_stream?channel=UC4R8DWoMoI7CAwX8_LjQHig',
    'https://vimeo.com/showcase/11111111',
    'https://vimeo.com/channels/123456',
  ]) {
    it(`links ${src} as it is, with no player of some other video`, () => {
      const m = mount({ connected: false });
      m.draw(botMessage([video(src, 'Our videos')]));
      expect(m.all('video, iframe, [part~="video"] button')).to.have.length(0);
      const links = m.all('a[part~="link"]') as HTMLAnchorElement[];
      expect(links.map((a) => a.href)).to.deep.equal([src]);
      expect(links[0]!.textContent).to.contain('Our videos');
    });
  }
});
