// The size gate (issue 11): the one performance figure safe to test. Runs over the built
// files (`npm test` builds before the e2e suite), gzip per file as served.
import { describe, expect, it } from 'vitest';
import { BUDGETS, measureBundles } from '../../scripts/size.js';

const m = measureBundles();

/**
 * The full widget is over the 40 KB: 65.8 KB gzip after moving rarely used UI
 * behind import() (docs/decisions/open-time-bytes.md; 78.5 KB before, with every feature
 * of 2026-11-29 merged; Lit + DOMPurify alone are ~19.5 KB, see
 * docs/decisions/launcher-first-loading.md). Until it is under, this ceiling (~1 KB of
 * headroom) keeps it from growing: new features go behind import(); raise it only with a
 * reason in the commit. Lowered from 80,000 to 66,800 by the open-time-bytes work.
 */
const FULL_WIDGET_CEILING_GZIP = 66_800;

describe('bundle size (gzip)', () => {
  it(`first load (the script tag's loader) <= ${BUDGETS.firstLoadGzip} B`, () => {
    expect(m.firstLoad.gzip).toBeGreaterThan(0);
    expect(m.firstLoad.gzip).toBeLessThanOrEqual(BUDGETS.firstLoadGzip);
  });

  it(`full widget (loader + what opening fetches) <= ${FULL_WIDGET_CEILING_GZIP} B: it must not grow`, () => {
    expect(m.widget.length).toBeGreaterThan(0);
    expect(m.fullWidget.gzip).toBeLessThanOrEqual(FULL_WIDGET_CEILING_GZIP);
  });

  // A known miss, kept visible: passes while the budget is missed, fails (and must be
  // turned into a plain test) the day the widget fits.
  it.fails(`KNOWN MISS (issue 11): full widget <= ${BUDGETS.fullWidgetGzip} B`, () => {
    expect(m.fullWidget.gzip).toBeLessThanOrEqual(BUDGETS.fullWidgetGzip);
  });

  it('lazy chunks are loaded on demand, not before the widget opens', () => {
    for (const f of m.lazy) expect(m.widget.map((w: { file: string }) => w.file)).not.toContain(f.file);
  });
});
