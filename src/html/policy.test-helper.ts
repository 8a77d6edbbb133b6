/**
 * The sanitizer's output policy as the browser tests check it (test files only): which
 * attributes may appear on sanitized bot content.
 */
export const ALLOWED_ATTRS: ReadonlySet<string> = new Set([
  'href', 'src', 'alt', 'title', 'colspan', 'rowspan', 'start', 'reversed', 'scope', 'lang', 'dir',
  // set by our hooks, never taken from the input
  'target', 'rel', 'loading', 'decoding', 'referrerpolicy',
]);

/** True when `attr` may appear on a sanitized `<tag>`. */
export function attributeAllowed(tag: string, attr: Attr): boolean {
  if (ALLOWED_ATTRS.has(attr.name)) return true;
  // tabindex="0" is ours, on code blocks and tables that scroll sideways.
  if (attr.name === 'tabindex' && attr.value === '0' && (tag === 'pre' || tag === 'table')) return true;
  // The media gate's click-to-load placeholder (media-gate.ts) is ours too.
  const placeholder: Record<string, Record<string, string>> = {
    span: { part: 'blocked-media', class: 'blocked-media' },
    button: { type: 'button', class: 'blocked-media-load' },
  };
  return placeholder[tag]?.[attr.name] === attr.value;
}
