// A Vite/Rolldown plugin for the browser builds: minifies the CSS in Lit `css` templates
// (with lightningcss, already installed as Vite's CSS minifier) and collapses the
// whitespace in `html`/`svg` templates. Minifiers leave template literals alone because
// their text is data; for these tags it is markup whose layout whitespace does not matter.
// A `css` template (ours have no `${}`) becomes Lit's `unsafeCSS("...")` of its minified
// text: the same CSSResult, and Lit's `css` tag (its checks of interpolated values, with
// their error messages) is left out of the bundle.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import MagicString from 'magic-string';
import { transform } from 'lightningcss';
import { BROWSER_FLOOR } from './browser-target.js';

/** Whitespace runs with a line break become one space; HTML renders them the same. */
export function minifyHtmlText(text) {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * lightningcss writes the numbers of a `var()` fallback or a custom property with six
 * significant digits (`var(--indigo-chat-z-index, 2147483000)` came out as 2147480000, below
 * the loader shell's 2147483000): put back each integer of the source it rounded.
 */
export function keepLargeIntegers(source, css) {
  for (const n of new Set(source.match(/\b\d{7,}\b/g))) {
    const rounded = String(Number(Number(n).toPrecision(6)));
    if (rounded !== n) css = css.replace(new RegExp(`\\b${rounded}\\b`, 'g'), n);
  }
  return css;
}

/**
 * lightningcss's targets for the browser floor (`safari >= 15.4` is 15 << 16 | 4 << 8).
 * Without targets it assumes every browser knows every value and drops a declaration's
 * fallback written before it (`max-height: calc(100vh - ...)` before the `dvh` one).
 */
export const CSS_TARGETS = Object.fromEntries(
  BROWSER_FLOOR.map((query) => {
    const [, name, major, minor = '0'] = /^(\w+) >= (\d+)(?:\.(\d+))?$/.exec(query);
    return [name, (Number(major) << 16) | (Number(minor) << 8)];
  }),
);

/** lightningcss over a template without `${}` (ours have none); anything odd is kept. */
export function minifyCssText(text) {
  try {
    const { code } = transform({ filename: 'template.css', code: Buffer.from(text), minify: true, targets: CSS_TARGETS });
    return keepLargeIntegers(text, code.toString());
  } catch {
    return text;
  }
}

/** The name the transform imports Lit's `unsafeCSS` as (nothing in src/ uses it). */
export const CSS_FROM_STRING = '__indigoCss';

/**
 * What a `css` template without `${}` or escapes becomes: its text minified, private
 * properties shortened, as a string literal to `unsafeCSS` (our own text, fixed at build
 * time: nothing unsafe about it).
 */
export function cssFromString(raw, names) {
  return `${CSS_FROM_STRING}(${JSON.stringify(shortenPrivateProperties(minifyCssText(raw), names))})`;
}

/**
 * The element's private custom properties (`--_accent`, `--_text`, ...: shorthands its own
 * stylesheets set and read; pages theme through the public `--indigo-chat-*` ones) get
 * short names: `--_0`, `--_1`, ... in the order of the sorted names found in `files`, so
 * every chunk of a build agrees. Digits, because the loader's shell has `--_a`/`--_o` of
 * its own. Each property name is read whole (`--_on-accent` is not `--_on`).
 */
export function privatePropertyNames(files) {
  const names = new Set();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/--_[a-zA-Z][\w-]*/g)) names.add(m[0]);
  return new Map([...names].sort().map((n, i) => [n, `--_${i}`]));
}

export function shortenPrivateProperties(css, names) {
  return css.replace(/--_[a-zA-Z][\w-]*/g, (m) => names.get(m) ?? m);
}

const componentFiles = (root) =>
  readdirSync(join(root, 'src/components'), { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(root, 'src/components', f));

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') return;
  visit(node);
  for (const key in node) {
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) walk(c, visit);
    else if (v && typeof v === 'object' && typeof v.type === 'string') walk(v, visit);
  }
}

export function minifyTemplates(root = resolve(import.meta.dirname, '..')) {
  const names = privatePropertyNames(componentFiles(root));
  return {
    name: 'indigo-chat-minify-templates',
    // A private property left long (outside a `css` template, where nothing renames it) would
    // no longer match the short name its stylesheet sets: fail the build instead.
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const left = [...names.keys()].find((n) => new RegExp(`${n}(?![\\w-])`).test(chunk.code));
        if (left) this.error(`${chunk.fileName} still has ${left} outside a css template: it would miss its short name`);
      }
    },
    transform: {
      order: 'post',
      filter: { id: /\/src\/.*\.[jt]s$/ },
      handler(code) {
        if (!/\b(html|css|svg)`/.test(code)) return null;
        // Rolldown's AST exposes fields as getters: a plain copy makes it walkable.
        const ast = JSON.parse(JSON.stringify(this.parse(code)));
        const s = new MagicString(code);
        let css = false;
        walk(ast, (n) => {
          if (n.type !== 'TaggedTemplateExpression' || n.tag.type !== 'Identifier') return;
          const tag = n.tag.name;
          if (tag === 'css' && n.quasi.quasis.length === 1) {
            const q = n.quasi.quasis[0];
            const raw = code.slice(q.start, q.end);
            // Only plain text: an escape sequence would be read differently by the CSS parser.
            if (!raw.includes('\\')) {
              s.overwrite(n.start, n.end, cssFromString(raw, names));
              css = true;
            }
          } else if (tag === 'html' || tag === 'svg') {
            for (const q of n.quasi.quasis) {
              if (q.end > q.start) {
                const raw = code.slice(q.start, q.end);
                const min = minifyHtmlText(raw);
                if (min !== raw) s.overwrite(q.start, q.end, min);
              }
            }
          }
        });
        if (css) s.prepend(`import { unsafeCSS as ${CSS_FROM_STRING} } from 'lit';\n`);
        return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: true }) } : null;
      },
    },
  };
}
