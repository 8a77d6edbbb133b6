import { expect } from '@open-wc/testing';
import { defineIndigoChat, IndigoChat } from '../../define.js';

describe('define entry', () => {
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
});
