// The script-tag widget's source maps survive the build's last steps (Vite's own generateBundle
// work, then the second minify pass: scripts/browser-plugins.js). Run before Vite's, the pass
// left maps that sent every position of the widget into one line of lit-html.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { describe, expect, it } from 'vitest';
import { WIDGET_DIST } from './built-widget.test-helper.js';

/** Where the first `needle` of the built `file` comes from. */
function sourceOf(file: string, needle: string): string | null {
  const code = readFileSync(file, 'utf8');
  const at = code.indexOf(needle);
  expect(at, needle).toBeGreaterThanOrEqual(0);
  const line = code.slice(0, at).split('\n').length;
  const column = at - code.lastIndexOf('\n', at - 1) - 1;
  return originalPositionFor(new TraceMap(readFileSync(`${file}.map`, 'utf8')), { line, column }).source;
}

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
