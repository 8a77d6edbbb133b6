// Teaser and voice input load on demand (docs/decisions/open-time-bytes.md): an element
// without them imports nothing of theirs, and a failed import leaves the chat working.
import { aTimeout, expect, waitUntil } from '@open-wc/testing';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';
import { lazyTesting } from '../blocks/lazy-part.js';

const relays = useFakeRelays('lazyfeat');
let n = 0;

async function mount(attrs: Record<string, string>): Promise<IndigoChat> {
  n++;
  const r = relays.relay().queue(welcomeChunks());
  const el = document.createElement('indigo-chat');
  el.setAttribute('relay', r.path);
  el.id = `lazyfeat-${n}`;
  el.setAttribute('storage', 'none');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Counts imports of a lazy part (through the real module, or a failure). */
function counted(name: string, importer: () => Promise<unknown>): { count: number } {
  const seen = { count: 0 };
  lazyTesting.override(name, () => {
    seen.count++;
    return importer();
  });
  return seen;
}

afterEach(async () => {
  document.body.replaceChildren();
  delete (window as unknown as Record<string, unknown>).SpeechRecognition;
  await lazyTesting.restore();
});

describe('teaser on demand', () => {
  it('a launcher without `teaser` never imports it; with it, the teaser shows styled', async () => {
    const imports = counted('teaser', () => import('./teaser.js'));
    const plain = await mount({});
    await aTimeout(30);
    expect(imports.count).to.equal(0);
    expect($(plain, '[part~="teaser"]')).to.equal(null);
    const teased = await mount({ teaser: 'Need a hand?' });
    await waitUntil(() => $(teased, '[part~="teaser"]'), 'teaser');
    expect(imports.count).to.equal(1);
    expect(getComputedStyle($(teased, '[part~="teaser"]')!).position).to.equal('absolute');
  });

  it('a failed import shows no teaser and the launcher still opens the chat', async () => {
    lazyTesting.override('teaser', () => Promise.reject(new Error('chunk failed')));
    const el = await mount({ teaser: 'Need a hand?' });
    await aTimeout(50);
    expect($(el, '[part~="teaser"]')).to.equal(null);
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await waitUntil(() => botMessages(el).length === 1, 'welcome');
  });
});

describe('voice input on demand', () => {
  it('the dictation code loads on the first click of the microphone, not before', async () => {
    let started = 0;
    (window as unknown as Record<string, unknown>).SpeechRecognition = class {
      lang = '';
      start() {
        started++;
      }
      stop() {}
      abort() {}
    };
    const imports = counted('voice', () => import('./voice-dictation.js'));
    const el = await mount({ mode: 'inline' });
    const mic = $<HTMLButtonElement>(el, '[part~="mic"]')!;
    expect(imports.count).to.equal(0);
    mic.click();
    await waitUntil(() => started === 1, 'recognition started');
    expect(imports.count).to.equal(1);
    await el.updateComplete;
    expect(mic.hasAttribute('data-listening')).to.equal(true);
  });

  it('a failed import is said politely and nothing else changes', async () => {
    (window as unknown as Record<string, unknown>).SpeechRecognition = class {};
    lazyTesting.override('voice', () => Promise.reject(new Error('chunk failed')));
    const el = await mount({ mode: 'inline' });
    // After the welcome (whose announcement would replace ours).
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await el.updateComplete;
    $<HTMLButtonElement>(el, '[part~="mic"]')!.click();
    await waitUntil(() => $(el, '[aria-live="polite"]')!.textContent === 'Voice input is not available', 'announced');
    expect($(el, '[part~="input"]')).to.not.equal(null);
  });
});
