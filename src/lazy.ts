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

const TAG = 'indigo-chat';
/** Where `<indigo-chat>` elements are looked for: the document, and the roots an app hands over. */
const roots = new Set<Document | ShadowRoot>();
let observer: MutationObserver | undefined;

/** Shell every not-yet-defined `<indigo-chat>` under `root` (launch() skips one already launched). */
function scan(root: ParentNode): void {
  if (customElements.get(TAG)) return;
  for (const el of root.querySelectorAll<HTMLElement>(TAG))
    launch(
      el,
      () => importWidget(null),
      () => importSaved(null),
    );
}

/**
 * Launcher-first `<indigo-chat>` inside a shadow root of your app (the page-wide watch
 * cannot see into shadow DOM): shells the elements under `root` now and those added later,
 * until the widget is defined. Elements in the document need nothing.
 */
export function watchIndigoChat(root: Document | ShadowRoot): void {
  if (roots.has(root) || customElements.get(TAG)) return;
  roots.add(root);
  scan(root);
  observer?.observe(root, { childList: true, subtree: true });
}

/**
 * Load and define the widget now (e.g. to open it from code right away). The language
 * packs the elements ask for arrive first, so their first render speaks them.
 */
export async function loadIndigoChat(): Promise<void> {
  const mod = await importWidget(null);
  const langs = new Set<string | null>();
  for (const root of roots) for (const el of root.querySelectorAll(TAG)) langs.add(el.getAttribute('lang'));
  // A pack that fails is the element's to handle (English, and it tries again).
  if (mod.preloadLocale) await Promise.all([...langs].map((lang) => mod.preloadLocale!(lang).catch(() => {})));
  mod.defineIndigoChat();
  await customElements.whenDefined(TAG);
}

if (typeof document !== 'undefined' && typeof customElements !== 'undefined') {
  observer = new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes)
        if (n instanceof Element) {
          if (n.localName === TAG) scan(n.parentNode ?? document);
          else if (n.getElementsByTagName(TAG).length > 0) scan(n);
        }
  });
  const start = () => {
    roots.add(document);
    scan(document);
    observer?.observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  // Once defined, the browser upgrades new elements by itself.
  void customElements.whenDefined(TAG).then(() => observer?.disconnect());
}
