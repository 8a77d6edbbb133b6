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
import { launch, type Launch } from './loader/launch.js';

const TAG = 'indigo-chat';
const launched = new WeakMap<HTMLElement, Launch>();

/** Shell every not-yet-defined `<indigo-chat>` under `root`; returns the handles. */
function scan(root: ParentNode): void {
  if (customElements.get(TAG)) return;
  for (const el of root.querySelectorAll<HTMLElement>(TAG)) {
    if (!launched.has(el))
      launched.set(
        el,
        launch(
          el,
          () => importWidget(null),
          () => importSaved(null),
        ),
      );
  }
}

/** Load and define the widget now (e.g. to open it from code right away). */
export async function loadIndigoChat(): Promise<void> {
  (await importWidget(null)).defineIndigoChat();
  await customElements.whenDefined(TAG);
}

if (typeof document !== 'undefined' && typeof customElements !== 'undefined') {
  const observer = new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes)
        if (n instanceof Element) {
          if (n.localName === TAG) scan(n.parentNode ?? document);
          else if (n.getElementsByTagName(TAG).length > 0) scan(n);
        }
  });
  const start = () => {
    scan(document);
    observer.observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  // Once defined, the browser upgrades new elements by itself.
  void customElements.whenDefined(TAG).then(() => observer.disconnect());
}
