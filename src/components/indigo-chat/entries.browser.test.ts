import { expect, waitUntil } from '@open-wc/testing';
import { defineIndigoChat, IndigoChat } from '../../define.js';


describe('define and embed entries', () => {
  it('defines indigo-chat once and warns (never throws) when another copy owns the tag', () => {
    expect(customElements.get('indigo-chat')).to.equal(IndigoChat);
    expect(defineIndigoChat()).to.equal(IndigoChat); // same copy again: silent no-op
    const warnings: unknown[][] = [];
    const orig = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      customElements.define('other-copy-chat', class extends HTMLElement {});
      expect(() => defineIndigoChat('other-copy-chat')).not.to.throw();
      expect(() => defineIndigoChat('other-copy-chat')).not.to.throw();
    } finally {
      console.warn = orig;
    }
    expect(warnings).to.have.length(1);
    expect(String(warnings[0]?.[0])).to.contain('already defined');
    const Custom = defineIndigoChat('my-own-chat');
    expect(new (Custom as typeof IndigoChat)()).to.be.instanceOf(IndigoChat);
  });

  it('embed mounts an element from its script tag data-* and merges window.IndigoChat', async () => {
    const script = document.createElement('script');
    script.type = 'text/plain'; // found by the selector fallback, never executed
    script.setAttribute('src', '/cdn/indigo-chat.iife.js');
    script.dataset['relay'] = '/embed-test/api/chat';
    script.dataset['title'] = 'Embedded';
    script.dataset['lang'] = 'it';
    script.dataset['mode'] = 'inline';
    script.dataset['storage'] = 'none';
    script.dataset['mediaOrigins'] = 'https://cdn.example';
    document.head.append(script);
    const w = window as unknown as { IndigoChat?: Record<string, unknown> };
    w.IndigoChat = { siteOwnThing: 42 };
    const mod = await import('../../embed.js');
    const g = w.IndigoChat as unknown as { siteOwnThing: number; element: IndigoChat; open(): void; close(): void };
    expect(mod.default).to.equal(g);
    expect(g.siteOwnThing).to.equal(42);
    await waitUntil(() => g.element?.isConnected, 'element appended to body');
    const el = g.element;
    expect(el.parentElement).to.equal(document.body);
    expect(el.relay).to.equal('/embed-test/api/chat');
    expect(el.title).to.equal('Embedded');
    expect(el.lang).to.equal('it');
    expect(el.mode).to.equal('inline');
    expect(el.storage).to.equal('none');
    expect(el.mediaOrigins).to.equal('https://cdn.example');
    g.open();
    expect(el.open).to.equal(true);
    g.close();
    expect(el.open).to.equal(false);
    el.remove();
    script.remove();
  });
});
