/**
 * Finds the page's `<indigo-chat>` elements while the widget is not defined: those in the
 * document (now, and added later) and under the shadow roots an app hands over, each
 * passed to `found` (launch() makes a second call for one element a no-op). Once the
 * element is defined the browser upgrades new ones by itself, and the watch stops.
 * Shared by the npm `/lazy` entry (src/lazy.ts) and the script-tag loader (src/loader.ts).
 */
const TAG = 'indigo-chat';

export interface Watch {
  /** The roots watched: the document once started, and those handed over. */
  readonly roots: ReadonlySet<Document | ShadowRoot>;
  /** Watch `root` too (a shadow root of the app's, which the document's watch cannot see into). */
  add(root: Document | ShadowRoot): void;
}

export function watchElements(found: (el: HTMLElement) => void): Watch {
  const roots = new Set<Document | ShadowRoot>();
  const scan = (root: ParentNode): void => {
    if (customElements.get(TAG)) return;
    for (const el of root.querySelectorAll<HTMLElement>(TAG)) found(el);
  };
  const observer = new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes)
        if (n instanceof Element) {
          if (n.localName === TAG) scan(n.parentNode ?? document);
          else if (n.getElementsByTagName(TAG).length > 0) scan(n);
        }
  });
  void customElements.whenDefined(TAG).then(() => observer.disconnect());
  return {
    roots,
    add(root) {
      if (roots.has(root) || customElements.get(TAG)) return;
      roots.add(root);
      scan(root);
      observer.observe(root === document ? document.documentElement : root, { childList: true, subtree: true });
    },
  };
}
