import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { loadLocale } from '../components/i18n/locales.js';
import { stringsFor } from '../components/indigo-chat/strings.js';
import { launcherText, mountShell } from './shell.js';
import { addScriptTag } from './script-tag.test-helper.js';

// The loader from source (its widget import is the npm build's `import('../embed.js')`):
// data-* from the script tag, the shell before the widget, queued calls, the handover.
const relays = useFakeRelays('loader');

interface Global {
  siteOwnThing: number;
  element: HTMLElement & { open?: boolean; relay?: string };
  open(): void;
  close(): void;
  send(t: string): boolean;
}

describe('script-tag loader', () => {
  it('mounts a shell from its script tag, queues calls, defines the widget on open and replays them', async () => {
    const relay = relays.relay().queue(welcomeChunks());
    const script = addScriptTag({ relay: relay.path, title: 'Embedded', lang: 'it', mediaOrigins: 'https://cdn.example' });
    const w = window as unknown as { IndigoChat?: Record<string, unknown> };
    w.IndigoChat = { siteOwnThing: 42 };
    const mod = await import('../loader.js');
    const g = w.IndigoChat as unknown as Global;
    expect(mod.default).to.equal(g);
    expect(g.siteOwnThing).to.equal(42);
    const el = g.element;
    // Attached after the next paint.
    await waitUntil(() => el.parentElement === document.body, 'element attached');
    expect(el.getAttribute('relay')).to.equal(relay.path);
    expect(el.getAttribute('title')).to.equal('Embedded');
    expect(el.getAttribute('media-origins')).to.equal('https://cdn.example');
    // The shell: a labelled launcher in the element's own shadow root, nothing defined.
    expect(customElements.get('indigo-chat')).to.equal(undefined);
    await waitUntil(() => el.shadowRoot?.querySelector('[part~="launcher"]'), 'shell shown');
    const shellButton = $(el, '[part~="launcher"]')!;
    expect(shellButton.getAttribute('aria-label')).to.equal('Apri la chat');
    expect(shellButton.getAttribute('aria-expanded')).to.equal('false');
    g.close(); // nothing to close: must not load anything
    expect(customElements.get('indigo-chat')).to.equal(undefined);
    // Calls before the widget: queued (true), replayed in order once it is defined.
    expect(g.send('before the widget')).to.equal(true);
    shellButton.click();
    await waitUntil(() => el.open === true, 'opened after the widget loaded', { timeout: 10000 });
    expect(customElements.get('indigo-chat')).to.not.equal(undefined);
    expect(el.relay).to.equal(relay.path);
    await waitUntil(() => relay.sent.some((b) => b.data.text === 'before the widget'), 'queued send replayed');
    // The shell is gone; one launcher, the widget's own.
    expect(el.shadowRoot!.querySelectorAll('[part~="launcher"]').length).to.equal(1);
    expect($(el, '[part~="launcher"]')).to.not.equal(shellButton);
    g.close();
    expect(el.open).to.equal(false);
    el.remove();
    script.remove();
  });

  it('launcher text: localized, with the unread count', async () => {
    expect(launcherText('en', 0)).to.equal('Open chat');
    expect(launcherText('it-IT', 1)).to.equal('Apri la chat, 1 messaggio non letto');
    expect(launcherText('xx', 3)).to.equal('Open chat, 3 unread messages');
    expect(launcherText('fr', 2)).to.equal('Ouvrir le chat, 2 messages non lus');
    expect(launcherText('de-DE', 1)).to.equal('Chat öffnen, 1 ungelesene Nachricht');
    // Word for word what the widget's launcher will say (no change at the swap).
    for (const lang of ['en', 'it', 'fr', 'de', 'es', 'ar', 'he']) {
      await loadLocale(lang);
      const s = stringsFor(lang);
      expect(launcherText(lang, 0)).to.equal(s.openChat);
      for (const n of [1, 2, 3, 11, 100, 102]) {
        // Arabic and Hebrew: the name and the bare count until the widget is there (bytes: shell.ts).
        const expected = lang === 'ar' || lang === 'he' ? `${s.openChat}, ${n}` : `${s.openChat}, ${s.unread(n)}`;
        expect([lang, n, launcherText(lang, n)]).to.deep.equal([lang, n, expected]);
      }
    }
    // `auto`: the visitor's first language the shell speaks, as the widget will pick it.
    // The button and its status say which language their words are in (a screen reader
    // reads them with it), never the host's `auto`.
    const own = Object.getOwnPropertyDescriptor(navigator, 'languages');
    Object.defineProperty(navigator, 'languages', { value: ['pt-BR', 'de-AT', 'en'], configurable: true });
    try {
      expect(launcherText('auto', 2)).to.equal('Chat öffnen, 2 ungelesene Nachrichten');
      expect(launcherText('AUTO', 0)).to.equal('Chat öffnen');
      const langs = ['auto', 'fr-CA', 'xx', 'he'].map((lang) => {
        const host = document.createElement('shell-lang-probe');
        host.setAttribute('lang', lang);
        const shell = mountShell(host, { lang, onIntent: () => {}, onActivate: () => {} });
        shell.failed();
        return [shell.button.lang, host.shadowRoot!.querySelector('[role="status"]')!.getAttribute('lang')];
      });
      expect(langs).to.deep.equal([
        ['de', 'de'],
        ['fr', 'fr'],
        ['en', 'en'],
        ['he', 'he'],
      ]);
    } finally {
      if (own) Object.defineProperty(navigator, 'languages', own);
      else delete (navigator as { languages?: unknown }).languages;
    }
  });

  it("follows the element's lang when the page changes it before the widget is there", async () => {
    // A site that switches its language in place sets the element's `lang`: the shell said
    // the first language until the visitor opened the chat.
    const host = document.createElement('shell-lang-switch');
    host.setAttribute('lang', 'en');
    const shell = mountShell(host, { lang: 'en', onIntent: () => {}, onActivate: () => {} });
    shell.unread(2);
    host.setAttribute('lang', 'it');
    await waitUntil(() => shell.button.getAttribute('aria-label') === 'Apri la chat, 2 messaggi non letti', 'the name in Italian');
    expect(shell.button.lang).to.equal('it');
    shell.failed();
    host.setAttribute('lang', 'fr-CA');
    const status = host.shadowRoot!.querySelector('[role="status"]')!;
    await waitUntil(() => status.textContent === 'Chat indisponible. Réessayez.', 'the failure said in French');
    expect([shell.button.lang, status.getAttribute('lang'), shell.button.getAttribute('aria-label')]).to.deep.equal([
      'fr',
      'fr',
      'Ouvrir le chat, 2 messages non lus',
    ]);
    host.removeAttribute('lang');
    await waitUntil(() => shell.button.getAttribute('aria-label') === 'Open chat, 2 unread messages', 'no lang: English');
  });
});
