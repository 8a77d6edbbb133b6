/**
 * How the loader gets the widget module. This file serves the npm build and the tests: a
 * relative dynamic import that bundlers code-split. The script-tag build swaps it for
 * import-widget.iife.ts, which imports the hashed chunk next to the script's own URL.
 */
import type { WidgetModule } from './launch.js';

export const importWidget = (_base: string | null): Promise<WidgetModule> => import('../embed.js');

/** The reader of a saved conversation: the widget's own lazy chunk (the same module). */
export const importSaved = (_base: string | null): Promise<unknown> => import('../controllers/persist-codec.js');

/**
 * The language pack: none from here, the bundler owns its chunk; the loader waits for the
 * widget's own `preloadLocale` before defining the element instead.
 */
export const importLocale = (_base: string | null, _lang: string | null): Promise<unknown> | undefined => undefined;

/** URLs worth prefetching when the browser is idle (none: the bundler owns the chunks). */
export const prefetchUrls = (_base: string | null, _saved: boolean, _lang: string | null): readonly string[] => [];
