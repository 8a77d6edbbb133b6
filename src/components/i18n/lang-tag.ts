/**
 * Language tags, with nothing else: shared by the widget's string modules (locales.ts) and
 * the script tag's loader (src/loader/), which must not pull any strings into its bytes.
 */

/** Languages whose strings are in the widget bundle (no pack to load). */
export const BUILT_IN: readonly string[] = ['en', 'it'];

/** `fr-CA` -> `fr`; `` -> ``. */
export function baseLang(tag: string | null | undefined): string {
  return (typeof tag === 'string' ? tag : '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/**
 * The language to speak for a `lang` attribute, given which base languages are
 * `supported`: `auto` picks the visitor's first supported language from
 * `navigator.languages` (English when none is); any other value is its base subtag when
 * supported, English otherwise.
 */
export function pickLang(attr: string | null | undefined, supported: (base: string) => boolean, preferred?: readonly string[]): string {
  const value = (attr ?? '').trim().toLowerCase();
  if (value === 'auto') {
    const list = preferred ?? (typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : []);
    for (const tag of list) {
      const base = baseLang(tag);
      if (supported(base)) return base;
    }
    return 'en';
  }
  const base = baseLang(value);
  return supported(base) ? base : 'en';
}
