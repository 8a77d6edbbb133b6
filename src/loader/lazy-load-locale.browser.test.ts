import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';

// README (npm): with `indigo-chat-widget/lazy`, "to drive it from code first
// `await loadIndigoChat()`". The lazy entry defines <indigo-chat> only once its language
// pack is here (docs/decisions/language-pack-beside-widget.md); loadIndigoChat() defined it
// at once, so a German element's first render said 'Open chat' between two 'Chat öffnen'.
describe('npm lazy entry: loadIndigoChat() and a language pack', () => {
  it("the element's first render after loadIndigoChat() speaks its pack language", async () => {
    const el = document.createElement('indigo-chat') as HTMLElement & { updateComplete?: Promise<unknown> };
    el.setAttribute('relay', '/review-embed-lazy-load-locale/api/chat');
    el.setAttribute('storage', 'none');
    el.setAttribute('lang', 'de');
    document.body.append(el);
    const { loadIndigoChat } = await import('../lazy.js');
    expect(el.shadowRoot?.querySelector('[part~="launcher"]')?.getAttribute('aria-label')).to.equal('Chat öffnen'); // the shell
    let first: string | null = null;
    void customElements.whenDefined('indigo-chat').then(async () => {
      await el.updateComplete; // the real element's first render
      first = el.shadowRoot?.querySelector('[part~="launcher"]')?.getAttribute('aria-label') ?? '';
    });
    await loadIndigoChat();
    await waitUntil(() => first !== null, 'first render seen');
    expect(first).to.equal('Chat öffnen');
    el.remove();
  });
});
