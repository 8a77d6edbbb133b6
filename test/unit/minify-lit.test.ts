import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAst } from 'rolldown/parseAst';
import { describe, expect, it } from 'vitest';
import { builtWidgetCode, WIDGET_DIST } from './built-widget.test-helper.js';
// @ts-expect-error -- a build script in plain JavaScript, without types
import { cutLit, FOREIGN_TEMPLATE, LIT_CUTS, LIT_INTERNAL_NAMES, minifyLit } from '../../scripts/minify-lit.js';

const cuts = LIT_CUTS as [string, string, string][];
const cut = cutLit as (file: string, code: string) => { toString(): string };
const files = [...new Set(cuts.map(([f]) => f))];
const installed = (file: string) => readFileSync(resolve(import.meta.dirname, '../../node_modules', file), 'utf8');

describe("the build's cuts of Lit's unused parts", () => {
  it.each(files)('%s: every cut is found exactly once in the installed Lit, and the result still parses', (file) => {
    const code = installed(file);
    for (const [f, find] of cuts) if (f === file) expect(code.split(find).length - 1).toBe(1);
    const out = cut(file, code).toString();
    expect(() => parseAst(out, { sourceType: 'module' })).not.toThrow();
    for (const [f, find] of cuts) if (f === file) expect(out.includes(find)).toBe(false);
  });

  it('keeps what the element uses: the reactive properties, styles, update cycle and rendering', () => {
    const element = cut('@lit/reactive-element/reactive-element.js', installed('@lit/reactive-element/reactive-element.js')).toString();
    for (const kept of [
      'static createProperty(',
      'static finalizeStyles(',
      'this.createProperty(i,t[i])',
      'addController(',
      'performUpdate(',
    ]) {
      expect(element.includes(kept)).toBe(true);
    }
    const html = cut('lit-html/lit-html.js', installed('lit-html/lit-html.js')).toString();
    expect(html.includes('invalid template strings array')).toBe(true); // the template-strings check stays
  });

  it("mangles only Lit's two-letter internal names, not its markers", () => {
    const names = LIT_INTERNAL_NAMES as RegExp;
    expect(['_$AH', '_$AM', '_$Em', '_$Do'].every((n) => names.test(n))).toBe(true);
    expect(['_$litType$', '_$litPart$', '_$cssResult$', '_$E', '$AH', '_$AHx'].some((n) => names.test(n))).toBe(false);
  });

  it("fails the build when a widget module uses Lit's svg or mathml tag (their preparation is cut)", () => {
    const foreign = FOREIGN_TEMPLATE as RegExp;
    expect(['svg`<rect/>`', 'x = mathml `<mi></mi>`'].every((c) => foreign.test(c))).toBe(true);
    expect(['html`<svg></svg>`', 'mug.svg`', 'my-svg`'].some((c) => foreign.test(c))).toBe(false);
    const plugin = (minifyLit as () => { transform: { handler: (this: unknown, code: string, id: string) => unknown } })();
    const context = {
      error: (message: string) => {
        throw new Error(message);
      },
    };
    expect(() => plugin.transform.handler.call(context, 'export const a = svg`<rect/>`;', '/repo/src/components/a.ts')).toThrow(
      /uses Lit's svg tag/,
    );
    expect(plugin.transform.handler.call(context, 'export const a = html`<svg></svg>`;', '/repo/src/components/a.ts')).toBe(null);
  });

  it('fails loudly when a cut is not there (a Lit update changed the code)', () => {
    expect(() => cut('lit-html/lit-html.js', 'export const x = 1;')).toThrow(/no longer has/);
  });

  it.skipIf(!existsSync(WIDGET_DIST))('the built widget has none of the cut parts', () => {
    const code = builtWidgetCode();
    for (const gone of [
      'addInitializer',
      'litPropertyMetadata',
      'PolyfillSupport',
      'HydrateSupport',
      'litHtmlVersions',
      'can only be used in text',
    ]) {
      expect(code.includes(gone)).toBe(false);
    }
    // Lit's short internal names are mangled (one name cache for every chunk); its markers stay.
    expect(code.match(/_\$[A-Z][A-Za-z]\b/g) ?? []).toEqual([]);
    expect(code.includes('_$litType$')).toBe(true);
  });
});
