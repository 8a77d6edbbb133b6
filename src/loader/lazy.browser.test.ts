import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { $, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';

// indigo-chat-widget/lazy from source: elements already in the page and added later get
// the shell; the widget (a dynamic import) is defined on first open.
const relays = useFakeRelays('lazy');

type Full = HTMLElement & { open?: boolean; updateComplete?: Promise<unknown> };

describe('npm lazy entry', () => {
  it('shells <indigo-chat> elements present and added later, and defines the widget on open', async () => {
    const relay = relays.relay().queue(welcomeChunks());
    const first = document.createElement('indigo-chat') as Full;
    first.setAttribute('relay', relay.path);
    first.setAttribute('storage', 'none');
    document.body.append(first);
    const mod = await import('../lazy.js');
    expect(typeof mod.loadIndigoChat).to.equal('function');
    expect(customElements.get('indigo-chat')).to.equal(undefined);
    expect($(first, '[part~="launcher"]')?.getAttribute('aria-label')).to.equal('Open chat');

    // Added after the import: the observer gives it a shell too.
    const wrapper = document.createElement('div');
    const second = document.createElement('indigo-chat') as Full;
    second.id = 'second';
    second.setAttribute('relay', relay.path);
    second.setAttribute('storage', 'none');
    second.setAttribute('lang', 'it');
    wrapper.append(second);
    document.body.append(wrapper);
    await waitUntil(() => second.shadowRoot?.querySelector('[part~="launcher"]'), 'shell on the later element');
    expect($(second, '[part~="launcher"]')!.getAttribute('aria-label')).to.equal('Apri la chat');

    $(first, '[part~="launcher"]')!.click();
    await waitUntil(() => first.open === true, 'first opened', { timeout: 10000 });
    expect(customElements.get('indigo-chat')).to.not.equal(undefined);
    // The other one is upgraded too, closed, with its own (real) launcher only.
    await second.updateComplete;
    expect(second.open).to.equal(false);
    expect(second.shadowRoot!.querySelectorAll('[part~="launcher"]').length).to.equal(1);
    expect($(second, '[part~="launcher"]')!.getAttribute('aria-controls')).to.be.a('string');
    first.remove();
    wrapper.remove();
  });
});
