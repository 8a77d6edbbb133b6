/**
 * Languages beyond the built-in English and Italian, each one file in `packs/`, loaded on
 * demand with a dynamic `import()` so a page in English never downloads French.
 *
 * The table below is the one place that names the files: bundlers (ours, and whatever a
 * site uses with the npm package) split a chunk per language only for static import
 * specifiers. `locales.test.ts` fails when a pack file is missing from the table or a
 * pack misses a string, so adding a language stays "write one file, add its line".
 */
import type { LocalePack } from './types.js';
import { visitorEn, visitorIt } from './visitor-strings.js';
import type { CoreVisitorStrings } from './visitor-strings.js';
import { BUILT_IN, baseLang, pickLang } from './lang-tag.js';

/** In the bundle, no loading (lang-tag.ts, shared with the loader). */
export { BUILT_IN, baseLang };

type Loader = () => Promise<{ default: LocalePack }>;

const LOADERS: Readonly<Record<string, Loader>> = {
  fr: () => import('./packs/fr.js'),
  de: () => import('./packs/de.js'),
  es: () => import('./packs/es.js'),
  ar: () => import('./packs/ar.js'),
  he: () => import('./packs/he.js'),
};

/** Right-to-left scripts, known before their pack arrives (layout does not wait for strings). */
const RTL: readonly string[] = ['ar', 'he', 'fa', 'ur'];

const loaded = new Map<string, LocalePack>();
const pending = new Map<string, Promise<LocalePack | null>>();

export function isSupported(base: string): boolean {
  return BUILT_IN.includes(base) || Object.prototype.hasOwnProperty.call(LOADERS, base);
}

/** Every language the widget speaks (built in or loadable). */
export function supportedLanguages(): string[] {
  return [...BUILT_IN, ...Object.keys(LOADERS)];
}

/**
 * The language to speak for a `lang` attribute: `auto` picks the visitor's first
 * supported language from `navigator.languages` (English when none is); any other value
 * is its base subtag when supported, English otherwise.
 */
export function resolveLang(attr: string | null | undefined, preferred?: readonly string[]): string {
  // String(): the element's `lang` property set from a script may be anything (the loader
  // reads the attribute, always a string, so pickLang itself stays as small as it is).
  return pickLang(String(attr ?? ''), isSupported, preferred);
}

export function dirOf(base: string): 'ltr' | 'rtl' {
  return loaded.get(base)?.dir ?? (RTL.includes(base) ? 'rtl' : 'ltr');
}

/**
 * One string table for a language tag: the built-in table's (`it`, `it-IT`, `IT`), else
 * the loaded pack's (`pick`), else English. Every string module resolves through here.
 */
export function localized<T>(
  table: Readonly<Record<string, T>>,
  tag: string | null | undefined,
  pick: (pack: LocalePack) => T | undefined,
): T {
  const base = baseLang(tag);
  const pack = loaded.get(base);
  return (Object.prototype.hasOwnProperty.call(table, base) ? table[base] : pack && pick(pack)) ?? (table.en as T);
}

/** The pack if it is loaded (synchronous, for rendering). */
export function loadedPack(base: string): LocalePack | undefined {
  return loaded.get(base);
}

/** True when strings for `base` can be rendered now. */
export function isReady(base: string): boolean {
  return BUILT_IN.includes(base) || loaded.has(base);
}

/** Load a pack once (concurrent callers share the request); null when unknown or failed. */
export function loadLocale(base: string): Promise<LocalePack | null> {
  const have = loaded.get(base);
  if (have) return Promise.resolve(have);
  const loader = Object.prototype.hasOwnProperty.call(LOADERS, base) ? LOADERS[base] : undefined;
  if (!loader) return Promise.resolve(null);
  let p = pending.get(base);
  if (!p) {
    p = loader().then(
      (m) => {
        loaded.set(base, m.default);
        return m.default;
      },
      () => {
        // A failed chunk load (offline, CDN hiccup): stay in English, try again next time.
        pending.delete(base);
        return null;
      },
    );
    pending.set(base, p);
  }
  return p;
}

/**
 * Load the pack a `lang` attribute asks for (`auto` resolved), if it is not here yet: the
 * launcher-first loaders wait for it before defining the element, so its first render
 * speaks the visitor's language instead of flashing English.
 */
export function preloadLocale(attr: string | null): Promise<unknown> {
  return loadLocale(resolveLang(attr));
}

/** Strings of the visitor features for a resolved language (English until its pack loads). */
export function visitorStringsFor(base: string): CoreVisitorStrings {
  return localized({ en: visitorEn, it: visitorIt }, base, (p) => p.visitor);
}
