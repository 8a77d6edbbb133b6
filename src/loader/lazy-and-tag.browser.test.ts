import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { addScriptTag } from './script-tag.test-helper.js';

// A bundle that imports `indigo-chat-widget/lazy` plus the site's script tag on one page:
// the loader's own <indigo-chat> was shelled by the loader, then the lazy entry's observer
// shelled it a second time (two stacked launchers, two queues). One launch per element.
describe('npm lazy entry plus the script tag on one page', () => {
  it('the loader-mounted element shows one launcher, not two', async () => {
    await import('../lazy.js');
    const script = addScriptTag({ relay: '/review-embed-lazy-and-tag/api/chat', storage: 'none' });
    await import('../loader.js');
    const el = (window as unknown as { IndigoChat: { element: HTMLElement } }).IndigoChat.element;
    await waitUntil(() => el.isConnected && el.shadowRoot?.querySelector('[part~="launcher"]'), 'shell shown');
    await new Promise((r) => setTimeout(r, 300));
    expect(el.shadowRoot!.querySelectorAll('[part~="launcher"]').length).to.equal(1);
    el.remove();
    script.remove();
  });
});
