import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, botMessages, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { addScriptTag } from './script-tag.test-helper.js';

// A single-page app with the script tag in its shell: the tag has put its own launcher in
// the corner, then a route renders the app's own <indigo-chat> launcher. It stood beside
// the tag's, two launchers in one corner, each with its shell. While nobody has opened the
// tag's launcher, the page's takes its place, as it does when it is in the markup at attach;
// the next route's launcher takes the place of that one (with the calls that waited for the
// old one), and a route without one brings the tag's own back.
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
    const pageRelay = relays.relay();
    const nextRelay = relays.relay().queue(welcomeChunks('Hi from the next route'));
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

    // A message sent from the first route (queued: the widget starts loading), and in the
    // same task the next route renders a launcher of its own in place of this one: the tag
    // drives that one, and the message goes with it (it waited for an element now gone).
    const g2 = window as unknown as { IndigoChat: { send(text: string): boolean } };
    expect(g2.IndigoChat.send('Sent as the route changed'), 'queued').to.equal(true);
    const next = document.createElement('indigo-chat');
    next.setAttribute('relay', nextRelay.path);
    route.replaceChildren(next);
    expect(g.element, "the tag drives the next route's launcher (read in the same task)").to.equal(next);
    expect([...document.querySelectorAll('indigo-chat')], 'one launcher').to.deep.equal([next]);
    expect(next.getAttribute('lang'), "the tag's data-* fill in").to.equal('it');
    await waitUntil(() => nextRelay.sent.some((b) => b.data.text === 'Sent as the route changed'), 'the queued message sent by it', {
      timeout: 10000,
    });
    await waitUntil(
      () => customElements.get('indigo-chat') !== undefined && $(next, '[part~="launcher"]') !== null,
      'the widget upgraded it',
    );
    expect(pageRelay.sessions + tagRelay.sessions, 'nothing went to the relays of the elements it left').to.equal(0);

    // An out-in route transition: the old route's launcher goes, the new one's comes a moment
    // later. The tag's own does not flash in the corner meanwhile, and the new one is driven.
    const flashes: Node[] = [];
    const watch = new MutationObserver((records) => records.forEach((r) => flashes.push(...[...r.addedNodes].filter((n) => n === tagOwn))));
    watch.observe(document.body, { childList: true });
    route.replaceChildren();
    await new Promise((r) => setTimeout(r, 100));
    const again = document.createElement('indigo-chat');
    again.setAttribute('relay', nextRelay.path);
    route.append(again);
    await waitUntil(() => g.element === again, "the tag drives the new route's launcher");
    await new Promise((r) => setTimeout(r, 400));
    watch.disconnect();
    expect(flashes.length, "the tag's own never shown in between").to.equal(0);
    expect([...document.querySelectorAll('indigo-chat')], 'one launcher').to.deep.equal([again]);

    // A route without a launcher: the tag's own comes back, so the chat can still be opened.
    // Opened in the same task (the app's route change and its call to open the chat).
    route.remove();
    await opensWith(tagOwn, 'Hi from the tag launcher');
    expect(g.element === tagOwn && tagOwn.isConnected, "the tag's own launcher back").to.equal(true);
    expect([...document.querySelectorAll('indigo-chat')], 'one launcher').to.deep.equal([tagOwn]);
    expect(tagOwn.getAttribute('title')).to.equal('From the tag');

    // Navigation that swaps the page's <body> (Turbo-like) takes the tag's own away too: it
    // comes back, with its conversation.
    document.body.replaceWith(document.createElement('body'));
    expect(g.element, 'still the tag’s own').to.equal(tagOwn);
    expect(tagOwn.isConnected, 'back in the new body').to.equal(true);
    await waitUntil(() => botMessages(tagOwn).some((m) => m.textContent.includes('Hi from the tag launcher')), 'its conversation shown');

    // IndigoChat drives the element the browser upgraded (the route's launcher loaded the
    // widget): close() closes it (it only marked a close for a widget still to load).
    const api = window as unknown as { IndigoChat: { close(): void; toggle(): void } };
    api.IndigoChat.close();
    expect((tagOwn as HTMLElement & { open?: boolean }).open, 'closed').to.equal(false);
    api.IndigoChat.toggle();
    expect((tagOwn as HTMLElement & { open?: boolean }).open, 'toggled open').to.equal(true);
    expect(tagOwn.hasAttribute('open'), 'the live element mirrors its state').to.equal(true);

    // The next page's body has a launcher of its own: the tag's data-* fill in what it lacks,
    // not the state its own element shows (it opened as the tag's chat was open).
    const nextBody = document.createElement('body');
    const last = document.createElement('indigo-chat');
    last.setAttribute('relay', nextRelay.path);
    nextBody.append(last);
    document.body.replaceWith(nextBody);
    expect(g.element).to.equal(last);
    expect([last.hasAttribute('open'), last.getAttribute('lang')], 'lang filled in, not open').to.deep.equal([false, 'it']);
    script.remove();
  });
});
