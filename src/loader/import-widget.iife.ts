/**
 * The script-tag build's version of import-widget.ts (swapped in by scripts/build.js): the
 * widget is an ES module chunk with a content hash in its name, written at build time into
 * these constants, and resolved against the script's own URL (`document.currentScript`),
 * so a site can host the files anywhere and `script-src 'self'` still covers them.
 */
import type { WidgetModule } from './launch.js';
import { BUILT_IN, pickLang } from '../components/i18n/lang-tag.js';

/** The widget entry chunk, relative to the loader's URL. */
declare const __INDIGO_CHAT_WIDGET__: string;
/** Every chunk the widget entry imports statically (its entry included). */
declare const __INDIGO_CHAT_CHUNKS__: readonly string[];
/** The language packs' chunks by base language (`fr`: './indigo-chat/fr-<hash>.js'). */
declare const __INDIGO_CHAT_PACKS__: Readonly<Record<string, string>>;
/** The lazy chunk that reads and writes saved conversations (src/controllers/persist-codec.ts). */
declare const __INDIGO_CHAT_SAVED__: string;

const resolve = (path: string, base: string | null): string => new URL(path, base ?? document.baseURI).href;

/**
 * Firefox keeps a module that failed to load failed for the whole page (its module map, as
 * the spec has it: whatwg/html#6768): one 503 or one offline click made every later click
 * fail too. There the chunks are fetched first (into the HTTP cache, where the import finds
 * them) and the import runs only once they came back: an error answer, or no network at all
 * (`navigator.onLine` false), fails this try alone and the next click tries again; a fetch
 * that throws otherwise (a dropped connection, or a CSP `connect-src` that leaves out the
 * widget's origin) goes on to the import, as before. Chromium and WebKit fetch a failed
 * module again, and WebKit would download the chunk twice, so they import at once. No
 * feature tells a module map that keeps failures; Gecko is told by its CSS.
 */
const fetched = (href: string): Promise<unknown> =>
  fetch(href).then(
    (res) => {
      if (!res.ok) throw new Error(`${res.status} for ${href}`);
      return res.arrayBuffer();
    },
    (e: unknown) => {
      if (navigator.onLine === false) throw e;
    },
  );

export const importWidget = async (base: string | null): Promise<WidgetModule> => {
  if (CSS.supports('-moz-appearance', 'none')) await Promise.all(__INDIGO_CHAT_CHUNKS__.map((p) => fetched(resolve(p, base))));
  return import(/* @vite-ignore */ resolve(__INDIGO_CHAT_WIDGET__, base)) as Promise<WidgetModule>;
};

/** The same URL the widget's own `import()` of it resolves to: one module, fetched once. */
export const importSaved = (base: string | null): Promise<unknown> => import(/* @vite-ignore */ resolve(__INDIGO_CHAT_SAVED__, base));

/**
 * The pack chunk a `lang` attribute asks for, as src/components/i18n/locales.ts resolves
 * it (`auto`: the visitor's first supported language); none for English and Italian,
 * which are built in, or an unsupported language (English).
 */
const packFor = (lang: string | null): string | undefined => {
  const isPack = (b: string) => Object.prototype.hasOwnProperty.call(__INDIGO_CHAT_PACKS__, b);
  const b = pickLang(lang, (base) => BUILT_IN.includes(base) || isPack(base));
  return isPack(b) ? __INDIGO_CHAT_PACKS__[b] : undefined;
};

/** The same URL the widget's own `import()` of the pack resolves to: one module, fetched once. */
export const importLocale = (base: string | null, lang: string | null): Promise<unknown> | undefined => {
  const pack = packFor(lang);
  return pack === undefined ? undefined : import(/* @vite-ignore */ resolve(pack, base));
};

export const prefetchUrls = (base: string | null, saved: boolean, lang: string | null): readonly string[] => {
  const pack = packFor(lang);
  return [...__INDIGO_CHAT_CHUNKS__, ...(saved ? [__INDIGO_CHAT_SAVED__] : []), ...(pack ? [pack] : [])].map((p) => resolve(p, base));
};
