// SSR safety: the npm entry (and define/embed) must import in plain Node, where there is
// no window/document, without throwing and without registering anything.
import { describe, expect, it } from 'vitest';

describe('entries in Node (SSR)', () => {
  it('src/index imports without a DOM and defines nothing', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const mod = await import('./index.js');
    expect(typeof mod.IndigoChat).toBe('function');
    expect(new mod.IndigoChatErrorEvent({ code: 'x', message: 'y' }).detail.code).toBe('x');
    expect(mod.stringsFor('it-IT').send).toBe('Invia');
    expect(mod.stringsFor('de').send).toBe('Send');
    // Lit's Node build may install a registry shim; the entry itself must not use it.
    const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
    expect(registry?.get('indigo-chat')).toBeUndefined();
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
  });

  it('src/define, src/embed, src/loader and src/lazy import without throwing', async () => {
    const define = await import('./define.js');
    expect(typeof define.defineIndigoChat).toBe('function');
    const embed = await import('./embed.js');
    expect(typeof embed.defineIndigoChat).toBe('function');
    const loader = await import('./loader.js');
    expect(loader.default).toBeNull();
    const lazy = await import('./lazy.js');
    expect(typeof lazy.loadIndigoChat).toBe('function');
    expect(typeof lazy.watchIndigoChat).toBe('function');
  });
});
