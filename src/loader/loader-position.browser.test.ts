import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { addScriptTag } from './script-tag.test-helper.js';

// README ("The element"): keyword attributes, `position` among them, are read as HTML reads
// its own (any case, blanks around ignored), "as the script tag's loader reads it too".
// The widget reads `data-position="Left"` as `left`; the launcher shell shown before the
// widget loads must stand in the same corner.
describe('script-tag loader: data-position in another case', () => {
  it('the shell launcher stands on the left for data-position="Left"', async () => {
    const script = addScriptTag({ relay: '/review-embed-position/api/chat', storage: 'none', position: 'Left' });
    await import('../loader.js');
    const el = (window as unknown as { IndigoChat: { element: HTMLElement } }).IndigoChat.element;
    await waitUntil(() => el.shadowRoot?.querySelector('[part~="launcher"]'), 'shell shown');
    expect(customElements.get('indigo-chat')).to.equal(undefined);
    const box = el.getBoundingClientRect();
    expect({ left: Math.round(box.left), onLeftHalf: box.right < innerWidth / 2 }).to.deep.equal({ left: 20, onLeftHalf: true });
    // Blanks around it too, and the attribute changed later is followed.
    el.setAttribute('position', ' left ');
    expect(Math.round(el.getBoundingClientRect().left)).to.equal(20);
    el.setAttribute('position', 'RIGHT');
    expect(Math.round(el.getBoundingClientRect().left)).to.be.above(innerWidth / 2);
    el.remove();
    script.remove();
  });
});
