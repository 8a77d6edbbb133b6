import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { importLocale, importSaved, importWidget } from './import-widget.js';
import { launch } from './launch.js';

// A page where nothing of the widget is loaded yet and the element asks for a language
// whose strings are a pack (German): the loader defines the element only once the pack is
// here, so its first render is German, never English first
// (docs/decisions/language-pack-beside-widget.md). Its own page: no pack loaded before.
const relays = useFakeRelays('loader-locale');

describe('loader with a language pack', () => {
  it('the first render speaks the pack language', async () => {
    const relay = relays.relay().queue(welcomeChunks());
    // Typed as the element, though not defined yet: the loader defines it.
    const el = document.createElement('indigo-chat');
    el.setAttribute('relay', relay.path);
    el.setAttribute('storage', 'none');
    el.setAttribute('mode', 'inline');
    el.setAttribute('lang', 'de');
    document.body.append(el);
    let first: string | null = null;
    void customElements.whenDefined('indigo-chat').then(async () => {
      await el.updateComplete; // the first render, before anything else can update it
      first = $(el, '[part~="input"]')?.getAttribute('placeholder') ?? '';
    });
    // Inline: the loader upgrades at once.
    const launched = launch(
      el,
      () => importWidget(null),
      () => importSaved(null),
      (lang) => importLocale(null, lang),
    );
    await launched.upgrade();
    await waitUntil(() => first !== null, 'first render seen', { timeout: 10000 });
    expect(first).to.equal('Nachricht schreiben…');
    el.remove();
  });
});
