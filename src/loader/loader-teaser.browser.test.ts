import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, useFakeRelays } from '../components/indigo-chat/fake-relay.test-helper.js';
import { addScriptTag } from './script-tag.test-helper.js';

// A script tag with data-teaser: the loader loads the widget without an open, so the
// teaser can show beside the closed launcher; nothing is sent or stored for it.
const relays = useFakeRelays('loader-teaser');

describe('script-tag loader with a teaser', () => {
  it('loads the widget for the teaser, which shows beside the closed launcher without a request or a storage write', async () => {
    const relay = relays.relay();
    localStorage.clear();
    const script = addScriptTag({ relay: relay.path, teaser: 'Need a hand choosing a bike?' });
    const mod = await import('../loader.js');
    const el = (mod.default as unknown as { element: HTMLElement & { open?: boolean } }).element;
    await waitUntil(() => customElements.get('indigo-chat') !== undefined, 'widget defined for the teaser', { timeout: 10000 });
    await waitUntil(() => $(el, '[part~="teaser"]'), 'teaser shown', { timeout: 10000 });
    expect($(el, '[part~="teaser"]')!.textContent).to.contain('Need a hand choosing a bike?');
    expect(el.open).to.equal(false);
    expect(relay.sessions).to.equal(0);
    expect(relay.sent.length).to.equal(0);
    expect(localStorage.length).to.equal(0);
    el.remove();
    script.remove();
  });
});
