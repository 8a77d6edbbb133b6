import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { launcherKey } from '../controllers/storage.js';
import { launch } from './launch.js';
import { useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';

// The script tag's own launcher taken out of the page before its saved state was read (a
// single-page app's first route renders a launcher of its own within the first 200 ms), then
// put back by a route without one: the unread badge (and a panel left open, a teaser) was
// never read again, since launching it again returned the first launch unchanged.
const relays = useFakeRelays('loader-relaunch');

describe('one launch handed between elements (the script tag on a single-page app)', () => {
  it('reads its saved state then: the unread badge shows', async () => {
    const relay = '/loader-relaunch/api/chat';
    localStorage.setItem(launcherKey(relay, ''), JSON.stringify({ open: false, unread: 3 }));
    const el = document.createElement('indigo-chat');
    el.setAttribute('relay', relay);
    const never = () => new Promise<never>(() => {});
    try {
      document.body.append(el);
      const first = launch(el, never);
      el.remove(); // before the browser is idle: nothing read
      await new Promise((r) => setTimeout(r, 400));
      const badge = () => el.shadowRoot?.querySelector('[part~="badge"]')?.textContent;
      expect(badge(), 'not read while out of the page').to.equal(undefined);
      document.body.append(el);
      expect(launch(el, never), 'the same launch').to.equal(first);
      await waitUntil(() => badge() === '3', 'the badge from the saved state');
      expect(el.shadowRoot!.querySelector('[part~="launcher"]')!.getAttribute('aria-label')).to.equal('Open chat, 3 unread messages');
    } finally {
      el.remove();
      localStorage.removeItem(launcherKey(relay, ''));
    }
  });

  it('a launch whose widget failed to load still holds its calls: started, and they are handed over (a close first)', async () => {
    const el = document.createElement('indigo-chat');
    el.setAttribute('relay', '/loader-relaunch-failed/api/chat');
    const warn = console.warn;
    console.warn = () => {};
    try {
      document.body.append(el);
      const l = launch(el, () => Promise.reject(new Error('offline')));
      expect(l.started(), 'only the shell').to.equal(false);
      l.call('hide'); // the page closed it before anything loaded
      expect(l.started(), 'a close waits for it').to.equal(true);
      expect(l.call('send', ['Hi']), 'queued').to.equal(true);
      await waitUntil(() => el.shadowRoot?.querySelector('.x') !== null, 'the load failed');
      // The failure lets the next click try again; the send is still waiting, so another
      // element must not take this one's place without it.
      expect(l.started()).to.equal(true);
      expect(l.take()).to.deep.equal([
        ['hide', []],
        ['send', ['Hi']],
      ]);
      expect(l.take(), 'handed over once').to.deep.equal([]);
    } finally {
      console.warn = warn;
      el.remove();
    }
  });

  it('drives an element the browser upgraded (another element loaded the widget): close() closes it', async () => {
    const relay = relays.relay().queue(welcomeChunks('Hi'));
    const el = document.createElement('indigo-chat') as HTMLElement & { open: boolean; show(): void; updateComplete: Promise<unknown> };
    el.setAttribute('relay', relay.path);
    el.setAttribute('storage', 'none');
    document.body.append(el);
    const l = launch(el, () => import('../embed.js'));
    try {
      // Another element (an inline chat, a route's launcher) loaded and defined the widget.
      (await import('../embed.js')).defineIndigoChat();
      await el.updateComplete;
      el.show(); // the visitor, from the widget's own launcher
      await el.updateComplete;
      l.call('hide');
      expect(el.open, 'closed at once').to.equal(false);
      l.call('toggle');
      expect(el.open, 'toggle opens').to.equal(true);
      l.call('toggle');
      expect(el.open, 'and closes').to.equal(false);
    } finally {
      el.remove();
    }
  });
});
