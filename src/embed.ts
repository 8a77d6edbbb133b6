/**
 * The script-tag build (bundled as an IIFE, global `IndigoChat`):
 *   <script src=".../indigo-chat.iife.js" data-relay="https://site/api/chat" async></script>
 * mounts one launcher with attributes from the tag's `data-*` and exposes a small API on
 * `window.IndigoChat`. `async` scripts may run with `document.currentScript` null, so the
 * tag is also looked up by selector.
 */
import { defineIndigoChat } from './define.js';
import type { IndigoChat } from './components/indigo-chat/indigo-chat.js';

/** data-* attribute -> element attribute. */
const DATA_ATTRIBUTES: Readonly<Record<string, string>> = {
  'data-relay': 'relay',
  'data-title': 'title',
  'data-subtitle': 'subtitle',
  'data-lang': 'lang',
  'data-mode': 'mode',
  'data-position': 'position',
  'data-avatar': 'avatar',
  'data-welcome': 'welcome',
  'data-storage': 'storage',
  'data-media-origins': 'media-origins',
  'data-delta-unit': 'delta-unit',
  'data-source': 'source',
  'data-id': 'id',
  'data-consent': 'consent',
  'data-consent-text': 'consent-text',
  'data-privacy-url': 'privacy-url',
  'data-decline-action': 'decline-action',
  'data-disclosure': 'disclosure',
};

export interface IndigoChatGlobal {
  open(): void;
  close(): void;
  toggle(): void;
  send(text: string): boolean;
  sendPayload(payload: string, label?: string): boolean;
  setProfile(record: Readonly<Record<string, unknown>>): boolean;
  restart(): void;
  element: IndigoChat | null;
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  return document.querySelector<HTMLScriptElement>('script[src*="indigo-chat"][data-relay]');
}

function createFromScript(script: HTMLScriptElement | null): IndigoChat {
  const el = document.createElement('indigo-chat') as IndigoChat;
  if (script) {
    for (const [data, attr] of Object.entries(DATA_ATTRIBUTES)) {
      const value = script.getAttribute(data);
      if (value !== null) el.setAttribute(attr, value);
    }
  }
  return el;
}

function mount(): IndigoChatGlobal {
  defineIndigoChat();
  const script = findScript();
  const g = globalThis as unknown as { IndigoChat?: Partial<IndigoChatGlobal> };
  const api: IndigoChatGlobal = {
    element: null,
    open: () => api.element?.show(),
    close: () => api.element?.hide(),
    toggle: () => api.element?.toggle(),
    send: (text) => api.element?.send(text) ?? false,
    sendPayload: (payload, label) => api.element?.sendPayload(payload, label) ?? false,
    setProfile: (record) => api.element?.setProfile(record) ?? false,
    restart: () => api.element?.restart(),
  };
  // Merge: a page may have put its own things (or a queued config) on window.IndigoChat.
  g.IndigoChat = Object.assign(g.IndigoChat ?? {}, api);
  const attach = () => {
    const el = createFromScript(script);
    document.body.append(el);
    api.element = el;
    if (g.IndigoChat) g.IndigoChat.element = el;
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return g.IndigoChat as IndigoChatGlobal;
}

/**
 * The only export, so the IIFE build's global `IndigoChat` (Rollup assigns the entry's
 * default export to it) is this same merged object, not a module namespace over it.
 */
const indigoChat: IndigoChatGlobal | null = typeof document !== 'undefined' ? mount() : null;
export default indigoChat;
