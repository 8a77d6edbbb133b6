import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';

// README (npm, `indigo-chat-widget/lazy`): an app built from web components renders its
// `<indigo-chat>` inside its own shadow root, which the page-wide watch cannot see (it
// stayed an empty unknown element): `watchIndigoChat(root)` hands that root over, and its
// elements get the shell (launcher mode) or the widget (inline), now and added later.
describe('npm lazy entry: <indigo-chat> inside an app shadow root (watchIndigoChat)', () => {
  it('an inline <indigo-chat> in a watched shadow root loads the widget; a launcher one gets the shell', async () => {
    const { watchIndigoChat } = await import('../lazy.js');
    const app = document.createElement('div');
    document.body.append(app);
    const root = app.attachShadow({ mode: 'open' });
    watchIndigoChat(root); // before its elements: they are added later
    const launcher = document.createElement('indigo-chat');
    launcher.setAttribute('relay', '/review-embed-lazy-shadow/api/chat');
    launcher.setAttribute('storage', 'none');
    const inline = document.createElement('indigo-chat');
    inline.setAttribute('mode', 'inline');
    inline.setAttribute('relay', '/review-embed-lazy-shadow/api/chat');
    inline.setAttribute('storage', 'none');
    inline.setAttribute('consent', 'required'); // nothing is sent before Accept
    root.append(launcher, inline);
    let seen = { shell: false, defined: false };
    try {
      await waitUntil(
        () => {
          seen = { shell: !!launcher.shadowRoot?.querySelector('[part~="launcher"]'), defined: !!customElements.get('indigo-chat') };
          return seen.shell && seen.defined;
        },
        'shell and widget',
        { timeout: 3000 },
      );
    } catch {
      // reported below
    }
    expect(seen).to.deep.equal({ shell: true, defined: true });
    app.remove();
  });
});
