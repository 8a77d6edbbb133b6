import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { useFakeRelays } from '../components/indigo-chat/fake-relay.test-helper.js';
import { launcherKey, storageKey } from '../controllers/storage.js';
import { importSaved, importWidget } from './import-widget.js';
import { launch } from './launch.js';

// A file of its own: the element must not be defined yet when the loader starts.
const relays = useFakeRelays('loader-close-early');

describe('loader: the page closes the chat before it loads', () => {
  it('a panel left open on the previous page is not reopened after IndigoChat.close(); a click still opens it', async () => {
    const relay = relays.relay();
    const id = 'closed-early';
    localStorage.setItem(storageKey(relay.path, id), JSON.stringify({ v: 1, sender: 'saved-sender', open: true, transcript: null }));
    localStorage.setItem(launcherKey(relay.path, id), JSON.stringify({ open: true, unread: 0 }));
    try {
      const el = document.createElement('indigo-chat');
      el.id = id;
      el.setAttribute('relay', relay.path);
      document.body.append(el);
      let imports = 0;
      const launched = launch(
        el,
        () => {
          imports++;
          return importWidget(null);
        },
        () => importSaved(null),
      );
      launched.call('hide'); // what IndigoChat.close() does, right after the script ran
      // The saved state is read at idle (within 200 ms): well past it, nothing reopened.
      await new Promise((r) => setTimeout(r, 600));
      expect(imports, 'not loaded to be reopened').to.equal(0);
      expect(el.shadowRoot!.querySelector('[part~="launcher"]')!.getAttribute('aria-expanded')).to.equal('false');
      // The visitor can still open it.
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="launcher"]')!.click();
      await waitUntil(() => customElements.get('indigo-chat') && el.open, 'opened by the click');
      el.remove();
    } finally {
      localStorage.removeItem(storageKey(relay.path, id));
      localStorage.removeItem(launcherKey(relay.path, id));
    }
  });
});
