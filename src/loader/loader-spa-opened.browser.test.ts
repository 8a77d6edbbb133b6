import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { botMessages, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { addScriptTag } from './script-tag.test-helper.js';

// The other side of loader-spa: once the visitor has opened the tag's launcher (the widget
// on its way, its conversation about to show), a launcher a route adds does not take its
// place: it is launched beside it, and the widget's definition upgrades it.
const relays = useFakeRelays('loader-spa-opened');

describe('the script tag when the page adds a launcher after its own was opened', () => {
  it('keeps its own launcher and conversation', async () => {
    const tagRelay = relays.relay().queue(welcomeChunks('Hi from the tag launcher'));
    const pageRelay = relays.relay();
    const script = addScriptTag({ relay: tagRelay.path, storage: 'none' });
    await import('../loader.js');
    const g = (window as unknown as { IndigoChat: { element: HTMLElement & { open?: boolean }; open(): void } }).IndigoChat;
    const tagOwn = g.element;
    await waitUntil(() => tagOwn.isConnected, 'the tag attached');
    // Opened, and in the same task (the widget still loading) the route adds its launcher.
    g.open();
    const launcher = document.createElement('indigo-chat');
    launcher.setAttribute('relay', pageRelay.path);
    launcher.setAttribute('storage', 'none');
    document.body.append(launcher);
    await waitUntil(
      () => tagOwn.open === true && botMessages(tagOwn).some((m) => m.textContent.includes('Hi from the tag launcher')),
      'the tag launcher open',
      { timeout: 10000 },
    );
    await waitUntil(
      () =>
        customElements.get('indigo-chat') !== undefined &&
        launcher instanceof customElements.get('indigo-chat')! &&
        Boolean(launcher.shadowRoot?.querySelector('[part~="launcher"]')),
      "the route's launcher upgraded by the browser",
    );

    expect(g.element, 'still the tag’s own').to.equal(tagOwn);
    expect(tagOwn.isConnected && tagOwn.open, 'its panel still open').to.equal(true);
    expect(botMessages(tagOwn).some((m) => m.textContent.includes('Hi from the tag launcher'))).to.equal(true);
    expect(launcher.hasAttribute('relay') && launcher.getAttribute('relay')).to.equal(pageRelay.path);
    launcher.remove();
    tagOwn.remove();
    script.remove();
  });
});
