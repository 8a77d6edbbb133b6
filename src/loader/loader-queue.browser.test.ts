import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { addScriptTag } from './script-tag.test-helper.js';

// The deferred snippet (README "Script tag after load", demo/script-tag-deferred.html)
// defines window.IndigoChat as a stub whose methods push `[name, ...args]` onto `q`; the
// loader, arriving later, replays that queue in order and runs later pushes at once.
const relays = useFakeRelays('loader-queue');

interface Global {
  siteOwnThing: number;
  element: HTMLElement & { open?: boolean };
  q: { push(...commands: unknown[]): void };
  open(): void;
}

describe('script-tag loader: the snippet command queue', () => {
  it('replays the queue in order, warns about unknown commands, runs later pushes at once', async () => {
    const relay = relays.relay().queue(welcomeChunks());
    const script = addScriptTag({ relay: relay.path });
    // What the snippet leaves behind before the loader arrives.
    const stub: Record<string, unknown> & { q: unknown[] } = { siteOwnThing: 7, q: [] };
    for (const m of ['open', 'close', 'send', 'sendPayload']) stub[m] = (...args: unknown[]) => stub.q.push([m, ...args]);
    (stub['open'] as () => void)();
    // Wrongly typed (an untyped page): answered "queued" now, refused with a warning at replay.
    (stub['send'] as (t: unknown) => void)(42);
    (stub['sendPayload'] as (p: string, l: unknown) => void)('x', 42);
    (stub['send'] as (t: string) => void)('queued before the loader');
    stub.q.push(['no-such-command', 1], 'open-as-a-string');
    const w = window as unknown as { IndigoChat?: unknown };
    w.IndigoChat = stub;
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    let g: Global;
    try {
      await import('../loader.js');
      g = w.IndigoChat as Global;
      expect(g).to.equal(stub);
      expect(g.siteOwnThing).to.equal(7);
      expect(warnings.map((a) => a[0])).to.deep.equal([
        'indigo-chat: unknown IndigoChat.q command',
        'indigo-chat: unknown IndigoChat.q command',
      ]);
      expect(warnings.map((a) => a[1])).to.deep.equal([['no-such-command', 1], 'open-as-a-string']);
      // The queued open and send ran: the widget loaded, opened and sent the text.
      await waitUntil(() => g.element.open === true, 'queued open replayed', { timeout: 10000 });
      await waitUntil(() => relay.sent.some((b) => b.data.text === 'queued before the loader'), 'queued send replayed');
    } finally {
      console.warn = warn;
    }
    // The two wrongly typed calls were not sent, and each was said.
    const sent = relay.sent.map((b) => b.data.text ?? b.data.payload);
    expect(sent).to.include('queued before the loader');
    expect(sent).not.to.include(42).and.not.to.include('x');
    // (Lit's dev build may add its own warnings; only ours are counted.)
    expect(
      warnings
        .slice(2)
        .map((a) => a[0])
        .filter((m) => String(m).startsWith('indigo-chat:')),
    ).to.deep.equal([
      'indigo-chat: IndigoChat.send() was refused (wrong arguments, or consent pending)',
      'indigo-chat: IndigoChat.sendPayload() was refused (wrong arguments, or consent pending)',
    ]);
    const el = g.element;
    // A push after the loader is there runs at once.
    g.q.push(['close']);
    expect(el.open).to.equal(false);
    g.q.push(['toggle']);
    expect(el.open).to.equal(true);
    el.remove();
    script.remove();
  });
});
