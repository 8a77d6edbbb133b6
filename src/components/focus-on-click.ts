/**
 * WebKit (Safari) does not focus a button (or link) when it is clicked, so focus stays
 * wherever it was, often <body>: keys meant for the widget (Escape closes the panel) then
 * go nowhere. Called on click inside the panel, this gives a clicked control the focus the
 * other engines already gave it; where it already has focus, it does nothing.
 */
const FOCUSABLE = 'button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

export function focusClickedControl(event: Event): void {
  for (const node of event.composedPath()) {
    if (!(node instanceof HTMLElement)) continue;
    if (node === event.currentTarget) return;
    if (!node.matches(FOCUSABLE)) continue;
    if (node.matches(':disabled') || !node.isConnected) return;
    const root = node.getRootNode() as Document | ShadowRoot;
    // The click handler may already have moved focus on purpose (into the input, …).
    const active = root.activeElement;
    if (
      active === node ||
      (active !== null && active !== root.ownerDocument?.body && (event.currentTarget as Node | null)?.contains(active))
    )
      return;
    node.focus({ preventScroll: true });
    return;
  }
}
