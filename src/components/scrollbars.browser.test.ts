import { expect } from '@open-wc/testing';
import { scrollbarStyles } from './scrollbars.styles.js';

/** A transcript and a carousel strip that overflow, styled as in the widget. */
function mount() {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [scrollbarStyles.styleSheet!];
  root.innerHTML = `<style>:host { --_line: rgb(200, 200, 200); }</style>
    <div part="transcript" style="height:100px;overflow-y:auto"><p style="height:400px;margin:0">x</p></div>
    <div class="carousel-strip" style="width:200px;overflow-x:auto;display:flex"><p style="flex:0 0 600px;margin:0">x</p></div>`;
  const transcript = root.querySelector<HTMLElement>('[part~="transcript"]')!;
  const strip = root.querySelector<HTMLElement>('.carousel-strip')!;
  return { transcript, strip, done: () => host.remove() };
}

describe('scrollbars', () => {
  it('are thin in every engine, and ours (not the platform GTK bars) where scrollbar-color is missing', () => {
    const { transcript, strip, done } = mount();
    const vertical = transcript.offsetWidth - transcript.clientWidth;
    const horizontal = strip.offsetHeight - strip.clientHeight;
    expect(vertical).to.be.at.most(12);
    expect(horizontal).to.be.at.most(12);
    if (!CSS.supports('scrollbar-color', 'red blue')) {
      // WebKit: the ::-webkit-scrollbar rules apply (8px, themed), so no GTK overlay bars.
      expect(vertical).to.equal(8);
      expect(horizontal).to.equal(8);
      expect(getComputedStyle(transcript).scrollbarWidth ?? 'auto').to.equal('auto');
    } else {
      expect(getComputedStyle(transcript).scrollbarWidth).to.equal('thin');
      expect(getComputedStyle(strip).scrollbarWidth).to.equal('thin');
    }
    done();
  });
});
