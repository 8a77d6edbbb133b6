/**
 * The script-tag build's version of import-widget.ts (swapped in by scripts/build.js): the
 * widget is an ES module chunk with a content hash in its name, written at build time into
 * these constants, and resolved against the script's own URL (`document.currentScript`),
 * so a site can host the files anywhere and `script-src 'self'` still covers them.
 */
import type { WidgetModule } from './launch.js';

/** The widget entry chunk, relative to the loader's URL. */
declare const __INDIGO_CHAT_WIDGET__: string;
/** Every chunk the widget entry imports statically (its entry included). */
declare const __INDIGO_CHAT_CHUNKS__: readonly string[];
/** The lazy chunk that reads and writes saved conversations (src/controllers/persist-codec.ts). */
declare const __INDIGO_CHAT_SAVED__: string;

const resolve = (path: string, base: string | null): string => new URL(path, base ?? document.baseURI).href;

export const importWidget = (base: string | null): Promise<WidgetModule> =>
  import(/* @vite-ignore */ resolve(__INDIGO_CHAT_WIDGET__, base)) as Promise<WidgetModule>;

/** The same URL the widget's own `import()` of it resolves to: one module, fetched once. */
export const importSaved = (base: string | null): Promise<unknown> => import(/* @vite-ignore */ resolve(__INDIGO_CHAT_SAVED__, base));

export const prefetchUrls = (base: string | null, saved: boolean): readonly string[] =>
  [...__INDIGO_CHAT_CHUNKS__, ...(saved ? [__INDIGO_CHAT_SAVED__] : [])].map((p) => resolve(p, base));
