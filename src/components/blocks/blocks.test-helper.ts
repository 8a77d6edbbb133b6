// Test-only helpers for the block renderer suites (not exported by the package).
import { render } from 'lit';
import type { Block, BotMessage, GenerationBlock } from '../../core/conversation/types.js';
import type { LiveText } from '../../core/delta/types.js';
import { blockStyles, renderBotBlocks, type BlockContext } from './render-blocks.js';
import { ensureSanitizer } from '../../html/sanitize.js';
import { prefetchParts } from './lazy-part.js';

// The renderers are drawn without the element, which loads the sanitizer where the
// browser has no native one (WebKit): every suite using these helpers loads it first.
before(() => ensureSanitizer());

// Carousels, videos and the extension blocks load on demand (lazy-part.ts): load them
// once here, so the suites render them synchronously as the element does once they are in.
await prefetchParts(true);

export interface Recorded {
  payloads: [string, string][];
  warnings: [string, string][];
}

export interface Mounted extends Recorded {
  host: HTMLElement;
  root: ShadowRoot;
  message: HTMLElement;
  ctx: BlockContext;
  draw(msg: BotMessage, overrides?: Partial<BlockContext>): void;
  all(selector: string): Element[];
  one<T extends Element = HTMLElement>(selector: string): T;
}

/**
 * A shadow root like the element's, with the block styles adopted. `connected: false`
 * keeps the tree out of the document, so nothing in it can load (no network at all).
 */
export function mount(options: { connected?: boolean; lang?: string; width?: number } = {}): Mounted {
  const host = document.createElement('div');
  if (options.connected !== false) document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  if (blockStyles.styleSheet) root.adoptedStyleSheets = [blockStyles.styleSheet];
  const message = document.createElement('div');
  message.setAttribute('part', 'message message-bot');
  message.style.width = `${options.width ?? 360}px`;
  root.append(message);
  const recorded: Recorded = { payloads: [], warnings: [] };
  const ctx: BlockContext = {
    lang: options.lang ?? 'en',
    mediaOrigins: [location.origin],
    activeActionsId: null,
    onPayload: (payload, label) => recorded.payloads.push([payload, label]),
    onWarning: (code, text) => recorded.warnings.push([code, text]),
  };
  return {
    ...recorded,
    host,
    root,
    message,
    ctx,
    draw(msg, overrides) {
      render(renderBotBlocks(msg, { ...ctx, ...overrides }), message);
    },
    all: (selector) => [...root.querySelectorAll(selector)],
    one<T extends Element = HTMLElement>(selector: string): T {
      const found = root.querySelector<T>(selector);
      if (!found) throw new Error(`nothing matches ${selector}`);
      return found;
    },
  };
}

export function botMessage(blocks: Block[], state: BotMessage['state'] = 'done', id = 'm1'): BotMessage {
  return { id, role: 'bot', blocks, state, at: 0 };
}

/** A stand-in LiveText: the renderer only ever reads `String(live)`. */
export function fixedLive(text: string): LiveText {
  const live: LiveText = {
    unit: 'utf16',
    length: text.length,
    utf16Length: text.length,
    apply: () => live,
    toString: () => text,
  };
  return live;
}

export function generation(html: string, state: GenerationBlock['state'] = 'streaming', markdown = '', id = 'b9'): GenerationBlock {
  return { kind: 'generation', id, generationId: 'g1', markdown, live: fixedLive(html), state };
}

export const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
export const microtask = () => Promise.resolve();

export interface AxeResult {
  violations: { id: string; help: string; nodes: { html: string }[] }[];
}
export interface Axe {
  run(context: Element, options: object): Promise<AxeResult>;
}

/** axe-core, loaded once per page from node_modules (the test runner serves it). */
export async function loadAxe(): Promise<Axe> {
  const w = window as unknown as { axe?: Axe };
  if (!w.axe) {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/node_modules/axe-core/axe.min.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('axe-core did not load'));
      document.head.append(script);
    });
  }
  return w.axe!;
}
