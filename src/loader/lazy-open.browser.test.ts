import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';

// indigo-chat-widget/lazy from source (its own page: the widget is not defined yet): the
// `open` attribute and an unknown `mode`, as the loader reads them before the widget loads.
const relays = useFakeRelays('lazy-open');

type Full = HTMLElement & { open?: boolean; mode?: string; updateComplete?: Promise<unknown> };

function chat(path: string, attrs: Record<string, string>): Full {
  const el = document.createElement('indigo-chat') as Full;
  el.setAttribute('relay', path);
  el.setAttribute('storage', 'none');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

describe('npm lazy entry: open and mode as written in the page', () => {
  it('an unknown mode is the launcher (a shell, nothing loaded); <indigo-chat open> loads the widget and shows its panel', async () => {
    const relay = relays.relay().queue(welcomeChunks());
    const popup = chat(relay.path, { mode: 'popup' });
    document.body.append(popup);
    await import('../lazy.js');
    expect(customElements.get('indigo-chat'), 'nothing loaded for the unknown mode').to.equal(undefined);
    expect($(popup, '[part~="launcher"]')?.getAttribute('aria-label')).to.equal('Open chat');

    const opened = chat(relay.path, { open: '' });
    opened.id = 'written-open';
    document.body.append(opened);
    await waitUntil(
      () => customElements.get('indigo-chat') && opened.open === true && $(opened, '[part~="panel"]:not([hidden])'),
      'panel shown',
      {
        timeout: 10_000,
      },
    );
    // The unknown mode, upgraded with it, is a closed launcher.
    await popup.updateComplete;
    expect([popup.mode, popup.open, $(popup, '[part~="panel"]')?.hidden]).to.deep.equal(['launcher', false, true]);
    popup.remove();
    opened.remove();
  });
});
