/**
 * A system colour (`Highlight`, `GrayText`…) as the engine paints it right now. Self-contained
 * (no imports, no outer names): the end-to-end suite runs it in the page from its source.
 */
export function systemColor(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = name;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}
