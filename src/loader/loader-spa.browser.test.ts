import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, botMessages, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { addScriptTag } from './script-tag.test-helper.js';

// A single-page app with the script tag in its shell: the tag has put its own launcher in
// the corner, then a route renders the app's own <indigo-chat> launcher. It stood beside
// the tag's, two launchers in one corner, each with its shell. While nobody has opened the
// tag's launcher, the page's takes its place, as it does when it is in the markup at attach;
// the next route's launcher takes the place of that one, and a route without one brings the
// tag's own back.
const relays = useFakeRelays('loader-spa');

/** `IndigoChat.open()` opens `el` (the element the tag drives) and shows its welcome. */
async function opensWith(el: HTMLElement, welcome: string) {
  (window as unknown as { IndigoChat: { open(): void } }).IndigoChat.open();
  await waitUntil(
    () => Boolean((el as HTMLElement & { open?: boolean }).open) && botMessages(el).some((m) => m.textContent.includes(welcome)),
    `IndigoChat.open() opens the element it drives: ${welcome}`,
    { timeout: 10000 },
  );
}

describe('the script tag when the page adds its own launcher later', () => {
  it("hands over to the page's launcher while its own is only the shell: one launcher, the page's attributes first", async () => {
    const tagRelay = relays.relay().queue(welcomeChunks('Hi from the tag launcher'));
    const pageRelay = relays.relay().queue(welcomeChunks('Hi from the route launcher'));
    const nextRelay = relays.relay();
    const script = addScriptTag({ relay: tagRelay.path, title: 'From the tag', lang: 'it', storage: 'none' });
    await import('../loader.js');
    const g = (window as unknown as { IndigoChat: { element: HTMLElement } }).IndigoChat;
    const tagOwn = g.element;
    await waitUntil(() => tagOwn.isConnected && $(tagOwn, 'button') !== null, "the tag's own launcher shell");

    // The route renders the app's launcher, in a wrapper of its own.
    const route = document.createElement('main');
    const launcher = document.createElement('indigo-chat');
    launcher.setAttribute('relay', pageRelay.path);
    launcher.setAttribute('title', "The route's own");
    route.append(launcher);
    document.body.append(route);

    await waitUntil(() => g.element === launcher, "the tag drives the route's launcher");
    expect(tagOwn.isConnected, "the tag's own launcher left").to.equal(false);
    expect([...document.querySelectorAll('indigo-chat')]).to.deep.equal([launcher]);
    expect(
      ['relay', 'title', 'lang', 'storage'].map((a) => launcher.getAttribute(a)),
      "the page's attributes kept, the tag's fill in the rest",
    ).to.deep.equal([pageRelay.path, "The route's own", 'it', 'none']);
    await waitUntil(() => $(launcher, 'button') !== null, "the route launcher's shell");

    await opensWith(launcher, 'Hi from the route launcher');
    expect(tagRelay.sessions, 'nothing went to the relay only the tag named').to.equal(0);

    // The next route renders a launcher of its own in place of this one: the tag drives it.
    const next = document.createElement('indigo-chat');
    next.setAttribute('relay', nextRelay.path);
    route.replaceChildren(next);
    await waitUntil(() => g.element === next, "the tag drives the next route's launcher");
    expect([...document.querySelectorAll('indigo-chat')], 'one launcher').to.deep.equal([next]);
    expect(next.getAttribute('lang'), "the tag's data-* fill in").to.equal('it');
    await waitUntil(() => $(next, '[part~="launcher"]') !== null, 'the widget upgraded it');

    // A route without a launcher: the tag's own comes back, so the chat can still be opened.
    route.remove();
    await waitUntil(() => g.element === tagOwn && tagOwn.isConnected, "the tag's own launcher back");
    expect([...document.querySelectorAll('indigo-chat')], 'one launcher').to.deep.equal([tagOwn]);
    expect(tagOwn.getAttribute('title')).to.equal('From the tag');
    await waitUntil(() => $(tagOwn, '[part~="launcher"]') !== null, "the tag's own, upgraded");
    await opensWith(tagOwn, 'Hi from the tag launcher');
    tagOwn.remove();
    script.remove();
  });
});
