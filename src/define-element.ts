/**
 * The guarded registration, without registering anything on import: the script-tag
 * loader's widget chunk (src/embed.ts) imports it ahead of time and defines on first open.
 */
import { IndigoChat } from './components/indigo-chat/indigo-chat.js';

const warned = new Set<string>();

/** Define the element under `tagName` (default `indigo-chat`). Returns the class in use. */
export function defineIndigoChat(tagName = 'indigo-chat'): CustomElementConstructor | undefined {
  const registry = globalThis.customElements;
  if (!registry) return undefined; // SSR or a very old browser: nothing to register into.
  const existing = registry.get(tagName);
  if (existing) {
    if (existing !== IndigoChat && !warned.has(tagName)) {
      warned.add(tagName);
      console.warn(`indigo-chat: <${tagName}> is already defined by another copy of the widget; keeping the first one.`);
    }
    return existing;
  }
  try {
    // Each tag needs its own constructor: one class can be registered under one name only.
    registry.define(tagName, tagName === 'indigo-chat' ? IndigoChat : class extends IndigoChat {});
  } catch (e) {
    if (!warned.has(tagName)) {
      warned.add(tagName);
      console.warn(`indigo-chat: could not define <${tagName}>:`, e);
    }
  }
  return registry.get(tagName);
}
