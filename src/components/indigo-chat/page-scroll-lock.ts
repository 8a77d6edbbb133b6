/**
 * While a modal panel is shown the page behind must not scroll (touch scrolling chains
 * through a fixed overlay otherwise). Counted, so two modal widgets on a page do not
 * unlock each other; the page's own inline `overflow` is restored exactly.
 */
let locks = 0;
let saved = '';

export function lockPageScroll(): () => void {
  const root = document.documentElement;
  if (locks++ === 0) {
    saved = root.style.overflow;
    root.style.overflow = 'hidden';
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--locks === 0) root.style.overflow = saved;
  };
}
