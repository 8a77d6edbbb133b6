import { executeServerCommand } from '@web/test-runner-commands';

export { systemColor } from './system-color.js';

/**
 * Forced colors (Windows High Contrast) in the browser tests. Chromium renders them for real
 * (web-test-runner.config.js turns them on over CDP); Firefox's and WebKit's drivers cannot
 * (Firefox only by a launch-time pref, WebKit has no forced colors), so a test there checks
 * what the stylesheet declares for them with `forcedRule`.
 */

/** Turns forced colors on or off where the driver can; resolves to whether they are now as asked. */
export async function forcedColors(active: boolean): Promise<boolean> {
  const done = await executeServerCommand<boolean, { active: boolean }>('forced-colors', { active });
  return done === true && matchMedia('(forced-colors: active)').matches === active;
}

/** Painted, not see-through: what a transparent colour becomes under forced colors. */
export const opaque = (color: string): boolean => /^rgb\(/.test(color);

/**
 * The value `root`'s adopted sheets give `prop` inside `@media (forced-colors: active)` for a
 * rule whose selector contains `selector` (quotes as written in the source), lower-cased;
 * null when there is none.
 */
export function forcedRule(root: ShadowRoot, selector: string, prop: string): string | null {
  const want = selector.replace(/'/g, '"');
  for (const sheet of root.adoptedStyleSheets)
    for (const rule of sheet.cssRules) {
      if (!(rule instanceof CSSMediaRule) || !rule.media.mediaText.includes('forced-colors')) continue;
      for (const inner of rule.cssRules)
        if (inner instanceof CSSStyleRule && inner.selectorText.replace(/'/g, '"').includes(want)) {
          const value = inner.style.getPropertyValue(prop);
          if (value) return value.toLowerCase();
        }
    }
  return null;
}
