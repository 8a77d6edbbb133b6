import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, botMessages, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { addScriptTag } from './script-tag.test-helper.js';

// A site built from web components with the script tag in its template: its <indigo-chat>
// elements live in a shadow root of its own, which the tag's document watch cannot see. An
// inline chat there stayed an empty box until the visitor opened the tag's launcher, and a
// launcher there had no shell (and the tag's own stood in the corner as well).
// `IndigoChat.watch(root)` hands the root over, as `watchIndigoChat(root)` does for `/lazy`.
const relays = useFakeRelays('loader-shadow');

describe('the script tag and <indigo-chat> in a shadow root of the page (IndigoChat.watch)', () => {
  it("starts the inline chat and drives the root's launcher, the tag's own not shown", async () => {
    const tagRelay = relays.relay();
    const pageRelay = relays.relay().queue(welcomeChunks('Hi from the app launcher'));
    const inlineRelay = relays.relay().queue(welcomeChunks('Hi from the app inline chat'));
    const app = document.createElement('my-app');
    document.body.append(app);
    const root = app.attachShadow({ mode: 'open' });
    const launcher = document.createElement('indigo-chat');
    launcher.setAttribute('relay', pageRelay.path);
    const inline = document.createElement('indigo-chat');
    inline.setAttribute('mode', 'inline');
    inline.setAttribute('relay', inlineRelay.path);
    inline.setAttribute('storage', 'none');
    root.append(launcher, inline);

    const script = addScriptTag({ relay: tagRelay.path, lang: 'it', storage: 'none' });
    await import('../loader.js');
    const g = (window as unknown as { IndigoChat: { element: HTMLElement; watch(root: ShadowRoot): void; open(): void } }).IndigoChat;
    const tagOwn = g.element;
    g.watch(root); // before the tag attached: kept until then

    await waitUntil(() => g.element === launcher, "the tag drives the app's launcher");
    expect(tagOwn.isConnected, "the tag's own not in the page").to.equal(false);
    expect(launcher.getAttribute('lang'), "the tag's data-* fill in").to.equal('it');
    await waitUntil(
      () => Boolean(inline.shadowRoot) && botMessages(inline).some((m) => m.textContent.includes('Hi from the app inline chat')),
      'the inline welcome',
      {
        timeout: 10000,
      },
    );
    g.open();
    await waitUntil(
      () =>
        Boolean((launcher as HTMLElement & { open?: boolean }).open) &&
        botMessages(launcher).some((m) => m.textContent.includes('Hi from the app launcher')),
      'IndigoChat.open() opens the app launcher',
      { timeout: 10000 },
    );
    expect($(launcher, '[part~="launcher"]')).to.not.equal(null);
    expect(tagRelay.sessions, 'nothing went to the relay only the tag named').to.equal(0);
    app.remove();
    script.remove();
  });
});
