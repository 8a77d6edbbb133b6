import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { botMessages, useFakeRelays, userMessages } from '../components/indigo-chat/fake-relay.test-helper.js';
import { launcherKey, storageKey } from '../controllers/storage.js';
import { importSaved, importWidget } from './import-widget.js';
import { launch } from './launch.js';

// A page where nothing of the widget is loaded yet and a conversation is saved: the loader
// fetches the stored format beside the widget, so the element restores it as it connects
// (docs/decisions/persistence-off-the-open-path.md).
const relays = useFakeRelays('loader-restore');

describe('loader with a saved conversation', () => {
  it('the conversation is restored by the time the shell hands over: the first render shows it, no session is asked for', async () => {
    const relay = relays.relay();
    const id = 'restored-by-loader';
    const transcript = {
      v: 1,
      deltaUnit: 'grapheme',
      nextId: 4,
      notice: null,
      lastSent: null,
      messages: [
        { id: 'm1', role: 'user', text: 'hello before', data: { type: 'text', text: 'hello before' }, status: 'sent', at: 1 },
        {
          id: 'm2',
          role: 'bot',
          state: 'done',
          at: 2,
          blocks: [{ kind: 'text', id: 'b3', html: '<p>Saved answer</p>', caption: false, generated: false }],
        },
      ],
    };
    localStorage.setItem(
      storageKey(relay.path, id),
      JSON.stringify({ v: 1, sender: 'saved-sender', open: true, transcript: JSON.stringify(transcript) }),
    );
    localStorage.setItem(launcherKey(relay.path, id), JSON.stringify({ open: true, unread: 0 }));
    try {
      // Typed as the element, though not defined yet: the loader defines it.
      const el = document.createElement('indigo-chat');
      el.id = id;
      el.setAttribute('relay', relay.path);
      document.body.append(el);
      let atHandover: { messages: number; sender: string | null; rendered: boolean } | null = null;
      void customElements.whenDefined('indigo-chat').then(() => {
        // The shell steps aside here, before the widget's first render.
        atHandover = {
          messages: el.conversation.transcript.messages.length,
          sender: el.conversation.sender,
          rendered: !!el.shadowRoot?.querySelector('[part~="panel"]'),
        };
      });
      // The panel was left open: the loader upgrades at once (after its idle storage read).
      const launched = launch(
        el,
        () => importWidget(null),
        () => importSaved(null),
      );
      await waitUntil(() => atHandover !== null, 'defined', { timeout: 10000 });
      expect(atHandover).to.deep.equal({ messages: 2, sender: 'saved-sender', rendered: false });
      await launched.upgrade();
      expect(userMessages(el)[0]!.textContent).to.contain('hello before');
      expect(botMessages(el)[0]!.textContent).to.contain('Saved answer');
      expect(relay.sessions).to.equal(0);
      expect(relay.sent).to.have.length(0);
      el.remove();
    } finally {
      localStorage.removeItem(storageKey(relay.path, id));
      localStorage.removeItem(launcherKey(relay.path, id));
    }
  });
});
