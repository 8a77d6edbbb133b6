/**
 * `import 'indigo-chat-widget/lazy'`: launcher-first `<indigo-chat>` for bundled apps, the
 * npm twin of the script-tag loader. Every `<indigo-chat>` on the page (now, and added
 * later until the widget is defined) gets the light launcher shell; the widget itself
 * sits behind a dynamic `import()`, so bundlers split it into its own chunk, fetched on
 * hover/focus of the launcher and defined on first open. Inline and fullscreen elements
 * load it at once. Safe to import during SSR (does nothing without a document).
 * `import 'indigo-chat-widget/define'` stays the eager, everything-now registration.
 */
import { importSaved, importWidget } from './loader/import-widget.js';
import { launch } from './loader/launch.js';
import { watchElements, type Watch } from './loader/watch.js';

const TAG = 'indigo-chat';
/** Every not-yet-defined `<indigo-chat>` gets the shell (launch() skips one already launched). */
const watch: Watch | undefined =
  typeof document !== 'undefined' && typeof customElements !== 'undefined'
    ? watchElements((el) =>
        launch(
          el,
          () => importWidget(null),
          () => importSaved(null),
        ),
      )
    : undefined;

/**
 * Launcher-first `<indigo-chat>` inside a shadow root of your app (the page-wide watch
 * cannot see into shadow DOM): shells the elements under `root` now and those added later,
 * until the widget is defined. Elements in the document need nothing.
 */
export function watchIndigoChat(root: Document | ShadowRoot): void {
  watch?.add(root);
}

/**
 * Load and define the widget now (e.g. to open it from code right away). The language
 * packs the elements ask for arrive first, so their first render speaks them.
 */
export async function loadIndigoChat(): Promise<void> {
  const mod = await importWidget(null);
  const langs = new Set<string | null>();
  for (const root of watch?.roots ?? []) for (const el of root.querySelectorAll(TAG)) langs.add(el.getAttribute('lang'));
  // A pack that fails is the element's to handle (English, and it tries again).
  if (mod.preloadLocale) await Promise.all([...langs].map((lang) => mod.preloadLocale!(lang).catch(() => {})));
  mod.defineIndigoChat();
  await customElements.whenDefined(TAG);
}

if (watch) {
  const start = () => watch.add(document);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
