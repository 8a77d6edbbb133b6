import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { importWidget } from './import-widget.js';
import { launch } from './launch.js';

// The launcher before the widget is here: a click waits visibly (the icon pulses; on a
// phone the tap is also what starts the download), and a widget that could not be loaded
// (offline, a failed chunk) shows a "!" instead of nothing, and says so to screen readers
// (a status, and the launcher's description); the next click tries again.
// Its own page: the element is not defined before.
const relays = useFakeRelays('loader-failure');

describe('the launcher shell while the widget loads', () => {
  it('pulses while it waits, marks a failed load, and a click retries', async () => {
    const relay = relays.relay().queue(welcomeChunks());
    const el = document.createElement('indigo-chat') as HTMLElement & { open?: boolean };
    el.setAttribute('relay', relay.path);
    el.setAttribute('storage', 'none');
    el.setAttribute('lang', 'it');
    document.body.append(el);
    let attempt = 0;
    let release: (ok: boolean) => void = () => {};
    launch(el, () => {
      attempt++;
      return new Promise<boolean>((resolve) => (release = resolve)).then((ok) => {
        if (!ok) throw new TypeError('Failed to fetch dynamically imported module');
        return importWidget(null);
      });
    });
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="launcher"]')!;
    const mark = () => el.shadowRoot!.querySelector('.x');
    const status = () => el.shadowRoot!.querySelector('[role="status"]');
    // Already in the page, silent: a status announces words that come into it later.
    expect(status()!.textContent).to.equal('');
    expect(button.hasAttribute('aria-describedby')).to.equal(false);

    button.click();
    expect(button.getAttribute('aria-busy')).to.equal('true');
    // The icon pulses while the visitor waits (this runner asks for no reduced motion).
    expect(getComputedStyle(button.querySelector('svg')!).animationName).to.equal('p');

    release(false);
    await waitUntil(() => mark() !== null, 'the failure shows');
    expect(mark()!.textContent).to.equal('!');
    expect(mark()!.getAttribute('aria-hidden')).to.equal('true');
    expect(button.hasAttribute('aria-busy')).to.equal(false);
    expect(getComputedStyle(button.querySelector('svg')!).animationName).to.equal('none');
    // In the element's language, announced, and heard again when the launcher is focused.
    expect(status()!.textContent).to.equal('Chat non disponibile. Riprova.');
    expect(el.shadowRoot!.getElementById(button.getAttribute('aria-describedby')!)).to.equal(status());
    // Read, not seen: the words take no room on the page.
    expect(status()!.getBoundingClientRect().width).to.be.at.most(1);

    // The next click tries again: the mark goes while it waits, and the widget opens.
    button.click();
    expect(attempt).to.equal(2);
    expect(mark()).to.equal(null);
    expect(status()!.textContent).to.equal('');
    expect(button.hasAttribute('aria-describedby')).to.equal(false);
    release(true);
    await waitUntil(() => el.open === true, 'the widget opened');
    // The shell's status went with it (the widget has its own live region).
    expect(el.shadowRoot!.querySelector('span.s')).to.equal(null);
  });
});
