// A Vite/Rolldown plugin for the script-tag widget build: leaves out the parts of Lit's
// production code the widget never runs. They are top-level statements and class members,
// so no minifier can drop them:
//  - decorator support: `static addInitializer` and the initializers it collects, the
//    `Symbol.metadata`/`litPropertyMetadata` polyfill and the metadata read in `finalize()`
//    (the element declares `static get properties()`, no decorators: es-private-members.md);
//  - the hooks for Lit's polyfill-support and SSR hydration scripts (ShadyDOM/ShadyCSS for
//    browsers without shadow DOM, far below the browser floor; no server rendering);
//  - the `litHtmlVersions`-style globals, which only Lit's dev mode reads (its warning
//    about several Lit copies on a page);
//  - `repeat()`'s check that it is bound in a text position (both of ours are: the
//    transcript's messages and a message's blocks);
//  - the preparation of `svg`/`mathml` template results: the widget writes only `html`
//    templates (its icons are <svg> elements inside them), and the build fails if one of
//    its modules uses Lit's `svg` or `mathml` tag.
// Each cut is the exact text of the installed Lit release and must be found exactly once:
// a Lit update that changes it fails the build (check the cut against the new code, then
// update its text here). Measured: -248 B gzip on the widget chunk, -50 B for the
// repeat() check, -55 B for the svg/mathml results (docs/decisions/open-path-ui-trim.md). The npm package keeps Lit external, untouched.
import MagicString from 'magic-string';

/**
 * Lit's internal member names (`_$AH`, `_$AM`, ... on its parts, directives and elements):
 * Lit keeps them stable so objects of different Lit copies work together, but everything
 * of the widget's one copy runs in its own chunks, which the second minify pass
 * (browser-plugins.js) mangles with one name cache. Not the longer `_$litType$`-style
 * names (templates, directives and DOM nodes are marked with those). Measured: -62 B gzip.
 */
export const LIT_INTERNAL_NAMES = /^_\$[A-Z][A-Za-z]$/;

/** [file under node_modules, the exact text, what replaces it] */
export const LIT_CUTS = [
  ['@lit/reactive-element/reactive-element.js', 'p=a.reactiveElementPolyfillSupport,', ''],
  ['@lit/reactive-element/reactive-element.js', 'Symbol.metadata??=Symbol("metadata"),a.litPropertyMetadata??=new WeakMap;', ''],
  ['@lit/reactive-element/reactive-element.js', 'static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}', ''],
  ['@lit/reactive-element/reactive-element.js', 'void 0!==t.l&&(this.l=[...t.l]),', ''],
  [
    '@lit/reactive-element/reactive-element.js',
    'const t=this[Symbol.metadata];if(null!==t){const s=litPropertyMetadata.get(t);if(void 0!==s)for(const[t,i]of s)this.elementProperties.set(t,i)}',
    '',
  ],
  ['@lit/reactive-element/reactive-element.js', ',this.constructor.l?.forEach(t=>t(this))', ''],
  ['@lit/reactive-element/reactive-element.js', ',p?.({ReactiveElement:y}),(a.reactiveElementVersions??=[]).push("2.1.2")', ''],
  ['lit-html/lit-html.js', 'l=2===i?"<svg>":3===i?"<math>":""', 'l=""'],
  ['lit-html/lit-html.js', '(2===i?"</svg>":3===i?"</math>":"")', '""'],
  ['lit-html/lit-html.js', ',2===i||3===i){const t=this.el.content.firstChild;t.replaceWith(...t.childNodes)}', ',0){}'],
  ['lit-html/lit-html.js', ',B=t.litHtmlPolyfillSupport;B?.(S,k),(t.litHtmlVersions??=[]).push("3.3.3");', ';'],
  [
    'lit-element/lit-element.js',
    ',s.litElementHydrateSupport?.({LitElement:i});const o=s.litElementPolyfillSupport;o?.({LitElement:i});',
    ';',
  ],
  ['lit-element/lit-element.js', '(s.litElementVersions??=[]).push("4.2.2");', ''],
  [
    'lit-html/directives/repeat.js',
    'constructor(e){if(super(e),e.type!==r.CHILD)throw Error("repeat() can only be used in text expressions")}',
    '',
  ],
];

/** Lit's module `code` (`file` as in LIT_CUTS) with its cuts made; throws if one is not there exactly once. */
export function cutLit(file, code) {
  const s = new MagicString(code);
  for (const [f, find, replace] of LIT_CUTS) {
    if (f !== file) continue;
    const at = code.indexOf(find);
    if (at < 0 || code.indexOf(find, at + 1) >= 0)
      throw new Error(
        `minify-lit: ${file} no longer has ${JSON.stringify(find)} exactly once (a Lit update?): check scripts/minify-lit.js`,
      );
    if (replace === '') s.remove(at, at + find.length);
    else s.overwrite(at, at + find.length, replace);
  }
  return s;
}

const FILES = [...new Set(LIT_CUTS.map(([f]) => f))];

/** A Lit `svg`/`mathml` tagged template in a module's code (the cuts above leave them out). */
export const FOREIGN_TEMPLATE = /(?<![\w.$-])(svg|mathml)\s*`/;

export function minifyLit() {
  return {
    name: 'indigo-chat-minify-lit',
    transform: {
      filter: { id: /\/node_modules\/(@lit\/reactive-element|lit-html|lit-element)\/[\w/-]+\.js$|\/src\/.*\.[jt]s$/ },
      handler(code, id) {
        if (id.includes('/src/')) {
          const m = FOREIGN_TEMPLATE.exec(code);
          if (m) this.error(`${id} uses Lit's ${m[1]} tag: the widget's Lit is built without it (scripts/minify-lit.js)`);
          return null;
        }
        const file = FILES.find((f) => id.endsWith(`/node_modules/${f}`));
        if (!file) return null;
        const s = cutLit(file, code);
        return { code: s.toString(), map: s.generateMap({ hires: true }) };
      },
    },
  };
}
