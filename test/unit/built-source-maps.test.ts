// The script-tag widget's source maps survive the build's last steps (Vite's own generateBundle
// work, then the second minify pass: scripts/browser-plugins.js). Run before Vite's, the pass
// left maps that sent every position of the widget into one line of lit-html.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceOf, WIDGET_DIST } from './built-widget.test-helper.js';

describe('source maps of the built widget', () => {
  it.skipIf(!existsSync(WIDGET_DIST))('lead back to the source file of the code, in the widget and a lazy chunk', () => {
    const chunk = (prefix: string) =>
      resolve(
        WIDGET_DIST,
        readdirSync(WIDGET_DIST).find((f) => f.startsWith(prefix) && f.endsWith('.js'))!,
      );
    expect(sourceOf(chunk('widget-'), 'rendering HTML failed')).toMatch(/src\/html\/streaming-html\.ts$/);
    expect(sourceOf(chunk('widget-'), 'Show image from')).toMatch(/src\/html\/media-gate\.ts$/);
    expect(sourceOf(chunk('carousel-'), 'carousel-strip')).toMatch(/src\/components\/blocks\/carousel/);
  });
});
