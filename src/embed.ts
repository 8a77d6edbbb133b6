/**
 * The widget module the launcher-first loaders fetch (src/loader.ts for the script tag,
 * src/lazy.ts for npm): the whole element behind one import. Importing it defines
 * nothing, so it can be fetched and evaluated ahead (hover, focus) without swapping the
 * launcher under the visitor's pointer; the loader defines `<indigo-chat>` on first open.
 */
export { defineIndigoChat } from './define-element.js';
export { preloadLocale } from './components/i18n/locales.js';
