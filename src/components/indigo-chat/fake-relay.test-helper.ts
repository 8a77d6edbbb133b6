import { setupWorker, type SetupWorker } from 'msw/browser';
/**
 * A scripted relay for the element's browser tests (msw): each test gets its own relay
 * path, counts session requests and scripts each answer. The realistic end-to-end flows
 * use the mock platform's own handlers instead (src/mock-platform/msw.ts).
 */
import { getResponse, http, HttpResponse } from 'msw';
import type { RequestHandler } from 'msw';
import { streamsThroughWorker } from '../../mock-platform/msw.js';
import type { IndigoChat } from './indigo-chat.js';

export type Wire = Record<string, unknown>;
export type Reply = Wire[] | Response | ((body: SentBody) => Wire[] | Response | Promise<Wire[] | Response>);

export interface SentBody {
  sender: string;
  data: { type: string; text?: string; payload?: string; label?: string; profile?: Record<string, string> };
}

const enc = new TextEncoder();

/** An SSE response; `stall` keeps it open after the chunks; `gapMs` spaces reads out. */
export function sseResponse(chunks: readonly Wire[], opts: { stall?: boolean; gapMs?: number; onePiece?: boolean } = {}): Response {
  const pieces = opts.onePiece
    ? [chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')]
    : chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      const p = pieces[i++];
      if (p !== undefined) ctl.enqueue(enc.encode(p));
      else if (opts.stall) await new Promise(() => {});
      else ctl.close();
    },
  });
  return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
}

export const welcomeChunks = (text = 'Hello! How can I help?'): Wire[] => [
  { type: 'processing.start' },
  { type: 'text', data: { text: `<p>${text}</p>` } },
  { type: 'button', data: { label: 'Show me a picture', payload: 'image' } },
  { type: 'button', data: { label: 'Contact', payload: 'contact' } },
  { type: 'processing.end' },
];

/** An answer's chunks: a carousel (`carouselId`) of `cards` cards, `Bike i` with a button `Pick i` each. */
export const carouselChunks = (carouselId: number, cards = 2): Wire[] => [
  { type: 'carousel.start', data: { carousel_id: carouselId } },
  ...Array.from({ length: cards }, (_, k) => k + 1).flatMap((i) => [
    {
      type: 'carousel.card.start',
      card_index: i,
      carousel_id: carouselId,
      data: { title: `Bike ${i}`, description: 'A bike', image: null },
    },
    { type: 'carousel.card.button', card_index: i, carousel_id: carouselId, data: { label: `Pick ${i}`, payload: `p${i}` } },
    { type: 'carousel.card.end', card_index: i, carousel_id: carouselId },
  ]),
  { type: 'carousel.end', data: { carousel_id: carouselId } },
];

/**
 * Another tab of this origin (a same-origin iframe) writing localStorage: this page gets
 * real `storage` events. `set` resolves once its event has reached every listener here.
 */
export function otherTab(): { set(key: string, value: unknown): Promise<void>; remove(key: string): void; close(): void } {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  const store = frame.contentWindow!.localStorage;
  return {
    set: (key, value) =>
      new Promise<void>((res) => {
        const raw = typeof value === 'string' ? value : JSON.stringify(value);
        const seen = (e: StorageEvent) => {
          if (e.key !== key || e.newValue !== raw) return;
          removeEventListener('storage', seen);
          setTimeout(res); // after every listener of this event, the element's included
        };
        addEventListener('storage', seen);
        store.setItem(key, raw);
      }),
    remove: (key) => store.removeItem(key),
    close: () => frame.remove(),
  };
}

export class FakeRelay {
  readonly path: string;
  sessions = 0;
  readonly sent: SentBody[] = [];
  private readonly replies: Reply[] = [];
  /** Used when the queue is empty. */
  fallback: Reply = (b) => [
    { type: 'processing.start' },
    { type: 'text', data: { text: `<p>echo ${b.data.text ?? b.data.label ?? b.data.payload ?? ''}</p>` } },
    { type: 'processing.end' },
  ];
  sessionStatus = 200;
  /** More of the session answer (what the relay announces: `maxTextChars`, `mediaOrigins`). */
  announce: Record<string, unknown> = {};

  constructor(name: string) {
    this.path = `/${name}/api/chat`;
  }

  /** Script the next answers, in order (the welcome is the first). */
  queue(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  handlers(): RequestHandler[] {
    return [
      http.post(`${this.path}/session`, () => {
        this.sessions++;
        if (this.sessionStatus !== 200) {
          return HttpResponse.json({ error: { code: 'unavailable', message: 'no' } }, { status: this.sessionStatus });
        }
        return HttpResponse.json({ sender: `sender-${this.path}-${this.sessions}`, ...this.announce });
      }),
      http.post(this.path, async ({ request }) => {
        const body = (await request.json()) as SentBody;
        this.sent.push(body);
        const reply = this.replies.shift() ?? this.fallback;
        const r = typeof reply === 'function' ? await reply(body) : reply;
        return r instanceof Response ? r : sseResponse(r);
      }),
    ];
  }
}

/**
 * The same handlers answered inside the page (a fetch wrapper around msw's getResponse), for engines whose
 * service worker cannot receive a streamed body (WebKit: no transferable streams, so msw's
 * worker would buffer every answer and a held or paced stream would arrive all at once).
 */
function inPageMocks(): Pick<SetupWorker, 'use' | 'resetHandlers'> & { start(): void; stop(): void } {
  let handlers: RequestHandler[] = [];
  const original = globalThis.fetch;
  const mocked: typeof fetch = async (input, init) => {
    const response = await getResponse(handlers, new Request(input, init));
    return response ?? original(input, init);
  };
  return {
    start: () => void (globalThis.fetch = mocked),
    stop: () => void (globalThis.fetch = original),
    use: (...more: RequestHandler[]) => void (handlers = [...more, ...handlers]),
    resetHandlers: () => void (handlers = []),
  } as never;
}

/**
 * The msw worker and per-test storage reset the element suites share (call once at the
 * top of a suite file), and a fresh FakeRelay mounted on it per call.
 */
export function useFakeRelays(prefix: string): { relay(): FakeRelay; use: SetupWorker['use'] } {
  let worker: Pick<SetupWorker, 'use' | 'resetHandlers' | 'stop'>;
  let n = 0;
  before(async () => {
    if (streamsThroughWorker()) {
      const w = setupWorker();
      await w.start({ quiet: true, serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass' });
      worker = w;
    } else {
      const m = inPageMocks();
      m.start();
      worker = m;
    }
  });
  after(() => worker.stop());
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  afterEach(() => worker.resetHandlers());
  return {
    relay: () => {
      const r = new FakeRelay(`${prefix}${++n}`);
      worker.use(...r.handlers());
      return r;
    },
    use: (...handlers) => worker.use(...handlers),
  };
}

/** Shadow-root queries on the element. */
export const $ = <T extends Element = HTMLElement>(el: HTMLElement, sel: string) => el.shadowRoot!.querySelector<T>(sel);
export const $$ = (el: HTMLElement, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
export const botMessages = (el: HTMLElement) => $$(el, '[part~="message"][part~="message-bot"]');
export const userMessages = (el: HTMLElement) => $$(el, '[part~="message"][part~="message-user"]');

/** Types into the composer and presses Enter (as a visitor would). */
export async function typeAndEnter(el: HTMLElement & { updateComplete?: Promise<unknown> }, text: string): Promise<void> {
  const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
  input.focus();
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
  await el.updateComplete;
}

/**
 * An inline `<indigo-chat>` on `path` (English, nothing stored, `style` on the element),
 * appended to `box` (a sized fixture of the test's); the caller waits for what it needs.
 */
export function mountInlineChat(path: string, box: HTMLElement, style = ''): IndigoChat {
  const el = document.createElement('indigo-chat');
  el.setAttribute('relay', path);
  el.setAttribute('mode', 'inline');
  el.setAttribute('lang', 'en');
  el.setAttribute('storage', 'none');
  if (style) el.setAttribute('style', style);
  box.append(el);
  return el;
}
