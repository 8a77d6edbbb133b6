import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, botMessages, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { addScriptTag } from './script-tag.test-helper.js';

// A site with the script tag on every page whose contact page also has <indigo-chat> in its
// markup: a launcher of its own and an inline chat. The tag added a second launcher in the
// same corner, and the inline chat stayed an empty box until the visitor opened the tag's
// launcher (only that loaded the widget). Its own page: nothing defined before.
const relays = useFakeRelays('loader-markup');

describe('the script tag on a page with <indigo-chat> in its markup', () => {
  it("drives the page's launcher (no second one), filling in the tag's data-*, and starts the inline chat", async () => {
    const tagRelay = relays.relay();
    const pageRelay = relays.relay().queue(welcomeChunks('Hi from the page launcher'));
    const inlineRelay = relays.relay().queue(welcomeChunks('Hi from the inline chat'));
    const box = document.createElement('div');
    box.style.height = '400px';
    const inline = document.createElement('indigo-chat');
    inline.setAttribute('mode', 'inline');
    inline.setAttribute('relay', inlineRelay.path);
    inline.setAttribute('storage', 'none');
    box.append(inline);
    const launcher = document.createElement('indigo-chat');
    launcher.setAttribute('relay', pageRelay.path);
    launcher.setAttribute('title', "The page's own");
    document.body.append(box, launcher);

    const script = addScriptTag({ relay: tagRelay.path, title: 'From the tag', lang: 'it', storage: 'none' });
    // What the README's after-load snippet leaves behind: a call queued before the loader came.
    const w = window as unknown as { IndigoChat?: unknown };
    w.IndigoChat = { q: [['open']] };
    await import('../loader.js');
    const g = (window as unknown as { IndigoChat: { element: HTMLElement; open(): void } }).IndigoChat;

    await waitUntil(() => g.element === launcher, "the tag drives the page's launcher");
    expect(document.querySelectorAll('indigo-chat').length, 'no element added').to.equal(2);
    expect(
      ['relay', 'title', 'lang', 'storage'].map((a) => launcher.getAttribute(a)),
      "the page's attributes kept, the tag's fill in the rest",
    ).to.deep.equal([pageRelay.path, "The page's own", 'it', 'none']);

    // The inline chat loads the widget by itself (it shows the conversation, not a launcher).
    const says = (el: typeof inline, text: string) => Boolean(el.shadowRoot) && botMessages(el).some((m) => m.textContent.includes(text));
    await waitUntil(() => says(inline, 'Hi from the inline chat'), 'the inline welcome', { timeout: 10000 });

    // The queued open reaches the page's launcher (it launched the tag's own element, a
    // second launcher beside the page's, before the loader knew which one it drives).
    await waitUntil(() => launcher.open && says(launcher, 'Hi from the page launcher'), 'the page launcher opened by the queued call', {
      timeout: 10000,
    });
    expect($(launcher, '[part~="launcher"]')).to.not.equal(null);
    expect(document.querySelectorAll('indigo-chat').length, 'still no element added').to.equal(2);
    expect(tagRelay.sessions, 'nothing went to the relay only the tag named').to.equal(0);
    box.remove();
    launcher.remove();
    script.remove();
  });
});
