import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { useFakeRelays } from '../components/indigo-chat/fake-relay.test-helper.js';
import { launcherKey, storageKey } from '../controllers/storage.js';
import { importSaved, importWidget } from './import-widget.js';
import { launch } from './launch.js';

// A file of its own: the element must not be defined yet when the loader starts.
const relays = useFakeRelays('loader-close-early-teaser');

describe('loader: the page closes the chat before it loads (launcher with a teaser)', () => {
  it('a panel left open on the previous page is not reopened after IndigoChat.close() when the teaser loads the widget', async () => {
    const relay = relays.relay();
    const id = 'closed-early-teaser';
    localStorage.setItem(storageKey(relay.path, id), JSON.stringify({ v: 1, sender: 'saved-sender', open: true, transcript: null }));
    localStorage.setItem(launcherKey(relay.path, id), JSON.stringify({ open: true, unread: 0 }));
    try {
      const el = document.createElement('indigo-chat') as HTMLElement & { open?: boolean };
      el.id = id;
      el.setAttribute('relay', relay.path);
      el.setAttribute('teaser', 'Need a hand?');
      document.body.append(el);
      const launched = launch(
        el,
        () => importWidget(null),
        () => importSaved(null),
      );
      launched.call('hide'); // what IndigoChat.close() does, right after the script ran
      // The teaser loads the widget (no open asked for): it must come up closed.
      await waitUntil(() => customElements.get('indigo-chat') !== undefined, 'defined for the teaser', { timeout: 10000 });
      await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      await new Promise((r) => setTimeout(r, 200));
      expect(el.open, 'the page closed it: not reopened from the saved state').to.equal(false);
      el.remove();
    } finally {
      localStorage.removeItem(storageKey(relay.path, id));
      localStorage.removeItem(launcherKey(relay.path, id));
    }
  });
});
