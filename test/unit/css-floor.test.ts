// The CSS the browser sources ship (Lit `css` templates, the launcher shell's sheet, the demo
// page), checked against the browser floor (Chrome/Edge 93, Firefox 125, Safari 15.4:
// docs/decisions/browser-floor.md) with MDN's compat data: properties, keyword values,
// functions, units, selectors, at-rules and media features. Above the floor is allowed
// where an old engine keeps a fallback: inside `@supports (…)`; after an earlier
// declaration of the same property (no var(): the old engine drops the new one when it
// parses); a custom property also set in an `@supports not (…)` block of the same sheet.
// Anything else is either a graceful enhancement listed below with its reason, or fails.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import bcd, { type CompatStatement, type SupportStatement } from '@mdn/browser-compat-data';
import postcss, { type AtRule, type ChildNode, type Container, type Declaration, type Root } from 'postcss';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BROWSER_FLOOR } from '../../scripts/browser-target.js';

type Browser = 'chrome' | 'edge' | 'firefox' | 'safari' | 'safari_ios';
/** The floor's browserslist queries as MDN's browser names and versions. */
const FLOOR = Object.fromEntries(
  BROWSER_FLOOR.map((query) => {
    const [, name, v] = /^(\w+) >= ([\d.]+)$/.exec(query)!;
    return [name === 'ios_saf' ? 'safari_ios' : name, Number(v)];
  }),
) as Record<Browser, number>;

/** Above the floor on purpose: what an engine without it does instead is fine. */
const GRACEFUL: Record<string, string> = {
  'property content-visibility': 'Safari < 18: off-screen messages are laid out and painted (slower on long transcripts, same look)',
  'property contain-intrinsic-size': 'sizes only what content-visibility skips (Safari < 17 skips nothing)',
  'property overscroll-behavior': 'Safari < 16: scrolling past the end of the transcript scrolls the page',
  'property overscroll-behavior-x': 'Safari < 16: swiping past the end of a carousel can scroll the page',
  'property scrollbar-color': 'Safari: the ::-webkit-scrollbar rules (scrollbars.styles.ts) style the bar instead',
  'property scrollbar-width': 'Safari: the ::-webkit-scrollbar rules (scrollbars.styles.ts) style the bar instead',
  'property resize': 'iOS: no resize handle on text areas (they grow with the text)',
  'media feature forced-colors':
    'Safari < 16 does not know it (Safari has no forced colors mode at all): the query is false there and what it holds only ever applies under Windows High Contrast',
  'property scale': 'Chrome/Edge < 104: the send icon is not mirrored in right-to-left languages',
  'value pointer in cursor': 'iOS shows no pointer',
  'value default in cursor': 'iOS shows no pointer',
  'value not-allowed in cursor': 'iOS shows no pointer',
  'value ui-monospace in font-family': 'Chrome, Firefox: the next font of the list (SFMono-Regular, Menlo, Consolas, monospace)',
  'unit dvh in height':
    'the fallback of var(--indigo-chat-vvh), which the viewport controller sets from visualViewport (Chrome 61, Safari 13) as the element connects',
  'function color-mix() in color':
    '`color` is inherited: where the mix is invalid the text keeps its parent’s colour (the theme text colour)',
  'function color-mix() in --_small-print': 'used only in `color`: where the mix is invalid the text keeps the theme text colour',
};

type Finding = string;

/** A node of MDN's compat tree: its own support, and sub-features by name. */
interface Feature {
  __compat?: CompatStatement;
  [name: string]: unknown;
}
/** The compat node at `css.<path>` (undefined when MDN has none). */
function at(...path: string[]): Feature | undefined {
  let node: unknown = bcd.css;
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node && typeof node === 'object' ? (node as Feature) : undefined;
}
const child = (node: Feature | undefined, name: string): Feature | undefined =>
  node && name !== '__compat' && typeof node[name] === 'object' ? (node[name] as Feature) : undefined;

function version(s: SupportStatement | undefined): number | 'no' {
  // Partial support counts (the notes are details such as `outline` not following
  // border-radius before Safari 16.4, an entry ended when full support replaced it);
  // prefixed, flagged or renamed support does not.
  const versions = (s === undefined ? [] : Array.isArray(s) ? s : [s])
    .filter((x) => !x.prefix && !x.flags && !x.alternative_name)
    .map((x) => x.version_added)
    .filter((v): v is string => typeof v === 'string' && v !== 'preview')
    .map((v) => Number.parseFloat(v.replace('≤', '')));
  return versions.length > 0 ? Math.min(...versions) : 'no';
}

/** The browsers of the floor that lack a compat entry's feature; empty when all have it. */
function lacking(id: Feature | undefined): Browser[] {
  const support = id?.__compat?.support;
  if (!support) return [];
  return (Object.keys(FLOOR) as Browser[]).filter((b) => {
    const v = version(support[b]);
    return v === 'no' || v > FLOOR[b];
  });
}

const TYPE_GROUPS = Object.keys(at('types') ?? {}).map((name) => at('types', name)!);
function functionEntry(name: string): Feature | undefined {
  if (name === 'var' || name === 'calc' || name === 'url' || name === 'attr') return undefined; // old and universal
  const direct = at('types', name);
  if (direct?.__compat) return direct;
  for (const group of TYPE_GROUPS) if (child(group, name)?.__compat) return child(group, name);
  // Gradients, transform and filter functions sit one level deeper.
  for (const group of TYPE_GROUPS)
    for (const sub of Object.keys(group)) if (child(child(group, sub), name)?.__compat) return child(child(group, sub), name);
  return undefined;
}

const UNITS: Record<string, Feature | undefined> = {
  dvh: at('types', 'length', 'viewport_percentage_units_dynamic'),
  dvw: at('types', 'length', 'viewport_percentage_units_dynamic'),
  svh: at('types', 'length', 'viewport_percentage_units_small'),
  svw: at('types', 'length', 'viewport_percentage_units_small'),
  lvh: at('types', 'length', 'viewport_percentage_units_large'),
  lvw: at('types', 'length', 'viewport_percentage_units_large'),
  cqw: at('types', 'length', 'container_query_length_units'),
  cqh: at('types', 'length', 'container_query_length_units'),
  cqi: at('types', 'length', 'container_query_length_units'),
  cqb: at('types', 'length', 'container_query_length_units'),
  lh: at('types', 'length', 'lh'),
  rlh: at('types', 'length', 'rlh'),
  ic: at('types', 'length', 'ic'),
};

/** What in one declaration's value is above the floor: `key (browsers)`. */
function valueFindings(prop: string, value: string): string[] {
  const out: string[] = [];
  const note = (key: string, id: Feature | undefined) => {
    const l = lacking(id);
    if (l.length > 0) out.push(`${key} in ${prop} (${l.join(', ')})`);
  };
  // `clip: rect(…)` is the legacy property's own syntax, not the rect() shape.
  if (prop !== 'clip')
    for (const m of value.matchAll(/([a-z-]+)\(/gi)) note(`function ${m[1]!.toLowerCase()}()`, functionEntry(m[1]!.toLowerCase()));
  for (const m of value.matchAll(/\d(dv[hw]|sv[hw]|lv[hw]|cq[whib]|r?lh|ic)\b/g)) note(`unit ${m[1]}`, UNITS[m[1]!]);
  const entry = prop.startsWith('--') ? undefined : at('properties', prop);
  if (entry) {
    const words = value.replace(/[a-z-]+\([^)]*\)/gi, ' ').match(/[a-z][a-z-]*/gi) ?? [];
    for (const w of new Set(words)) {
      const sub = child(entry, w);
      if (sub?.__compat) note(`value ${w}`, sub);
    }
  }
  return out;
}

function selectorFindings(selector: string): string[] {
  const out: string[] = [];
  for (const m of selector.matchAll(/(::?)([a-z-]+)/gi)) {
    const name = m[2]!.toLowerCase();
    if (name.startsWith('-')) continue; // vendor-only by design (::-webkit-scrollbar)
    const id = at('selectors', name);
    const l = lacking(id);
    if (l.length > 0) out.push(`selector ${m[1]}${name} (${l.join(', ')})`);
  }
  return out;
}

const inPositiveSupports = (node: ChildNode): boolean => {
  for (let p = node.parent; p && p.type !== 'root'; p = p.parent as Container | undefined)
    if (p.type === 'atrule' && (p as AtRule).name === 'supports' && !/^\s*not\b/.test((p as AtRule).params)) return true;
  return false;
};
const inNegativeSupports = (node: ChildNode): boolean => {
  for (let p = node.parent; p && p.type !== 'root'; p = p.parent as Container | undefined)
    if (p.type === 'atrule' && (p as AtRule).name === 'supports' && /^\s*not\b/.test((p as AtRule).params)) return true;
  return false;
};

/** Every feature above the floor in one sheet that an old engine is left without. */
export function cssFindings(css: string): Finding[] {
  const root: Root = postcss.parse(css);
  const findings: Finding[] = [];
  // `selector|property` set again in an `@supports not (…)` block: old engines use that.
  const key = (d: Declaration) => `${d.parent?.type === 'rule' ? d.parent.selector : ''}|${d.prop}`;
  const fallbacks = new Set<string>();
  root.walkDecls((d) => {
    if (inNegativeSupports(d)) fallbacks.add(key(d));
  });
  root.walkAtRules((a) => {
    if (a.name === 'supports') return;
    const l = lacking(at('at-rules', a.name));
    if (l.length > 0) findings.push(`at-rule @${a.name} (${l.join(', ')})`);
    if (a.name === 'media') {
      for (const m of a.params.matchAll(/\(\s*([a-z-]+)\s*[:)]/g)) {
        const lm = lacking(at('at-rules', 'media', m[1]!));
        if (lm.length > 0) findings.push(`media feature ${m[1]} (${lm.join(', ')})`);
      }
    }
  });
  root.walkRules((r) => {
    if (inPositiveSupports(r) || (r.parent?.type === 'atrule' && (r.parent as AtRule).name === 'keyframes')) return;
    findings.push(...selectorFindings(r.selector));
    if (r.nodes.some((n) => n.type === 'rule')) findings.push(`nesting in ${r.selector} (CSS nesting: Chrome 112, Safari 16.5)`);
  });
  root.walkDecls((d: Declaration) => {
    if (inPositiveSupports(d)) return;
    const prop = d.prop.toLowerCase();
    if (!prop.startsWith('--')) {
      const l = lacking(at('properties', prop));
      // The property is unknown there: its values do not matter.
      if (l.length > 0) return void findings.push(`property ${prop} (${l.join(', ')})`);
    }
    const values = valueFindings(prop, d.value);
    if (values.length === 0) return;
    if (!inNegativeSupports(d) && fallbacks.has(key(d))) return;
    const siblings = d.parent?.nodes ?? [];
    const earlier = siblings.slice(0, siblings.indexOf(d)).some((n) => n.type === 'decl' && n.prop === d.prop);
    if (earlier && !d.value.includes('var(')) return;
    findings.push(...values);
  });
  return findings;
}

/** `css\`…\`` templates and the shell's `CSS` string in a TypeScript file. */
function sheetsIn(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const sheets: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(n) && n.tag.getText(sf) === 'css') {
      const t = n.template;
      sheets.push(
        ts.isNoSubstitutionTemplateLiteral(t) ? t.text : t.head.text + t.templateSpans.map((s) => `/*\${}*/${s.literal.text}`).join(''),
      );
    }
    if (ts.isVariableDeclaration(n) && n.name.getText(sf) === 'CSS' && n.initializer) {
      const parts: string[] = [];
      const walk = (e: ts.Expression): void => {
        if (ts.isBinaryExpression(e)) {
          walk(e.left);
          walk(e.right);
        } else if (ts.isStringLiteralLike(e)) parts.push(e.text);
      };
      walk(n.initializer);
      sheets.push(parts.join(''));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return sheets;
}

const repo = resolve(import.meta.dirname, '../..');
const BROWSER_DIRS = ['src/components', 'src/console', 'src/controllers', 'src/core', 'src/html', 'src/loader', 'src/transport', 'demo'];

function browserSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'public' ? [] : browserSources(path);
    return /\.(ts|css)$/.test(name) && !/\.test(-helper)?\.ts$|\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('CSS at the browser floor (Chrome/Edge 93, Firefox 125, Safari 15.4)', () => {
  it('the check refuses what an old engine would lose, and takes the fallbacks', () => {
    expect(FLOOR).toEqual({ chrome: 93, edge: 93, firefox: 125, safari: 15.4, safari_ios: 15.4 });
    expect(cssFindings(':host { --_x: color-mix(in srgb, red 50%, blue); }')).toEqual([
      'function color-mix() in --_x (chrome, edge, safari, safari_ios)',
    ]);
    expect(
      cssFindings(
        ':host { --_x: color-mix(in srgb, red 50%, blue); } @supports not (color: color-mix(in srgb, red, red)) { :host { --_x: gray; } }',
      ),
    ).toEqual([]);
    expect(cssFindings('a { outline: 2px solid color-mix(in srgb, var(--a) 60%, transparent); }')).toHaveLength(1);
    expect(
      cssFindings(
        '@supports (color: color-mix(in srgb, red, red)) { a { outline-color: color-mix(in srgb, var(--a) 60%, transparent); } }',
      ),
    ).toEqual([]);
    expect(cssFindings('a { max-height: calc(100dvh - 10px); }')).toEqual(['unit dvh in max-height (chrome, edge)']);
    expect(cssFindings('a { max-height: calc(100vh - 10px); max-height: calc(100dvh - 10px); }')).toEqual([]);
    expect(cssFindings('a { height: 100vh; height: var(--h, 100dvh); }')).toEqual(['unit dvh in height (chrome, edge)']);
    expect(cssFindings('a:has(b) { color: red; }')).toEqual(['selector :has (chrome, edge)']);
    expect(cssFindings('@container (min-width: 1px) { a { color: red; } }')[0]).toMatch(/^at-rule @container/);
    expect(cssFindings('a { b { color: red; } }')[0]).toMatch(/^nesting/);
    expect(cssFindings('a { inset: 0; gap: 4px; overflow-wrap: anywhere; }')).toEqual([]);
  });

  it('every sheet of the browser sources keeps a fallback or degrades as listed', () => {
    const files = BROWSER_DIRS.flatMap((d) => browserSources(join(repo, d)));
    const found: Record<string, string[]> = {};
    let sheets = 0;
    for (const file of files) {
      const texts = file.endsWith('.css') ? [readFileSync(file, 'utf8')] : sheetsIn(file);
      sheets += texts.length;
      for (const f of texts.flatMap(cssFindings)) {
        const key = f.replace(/ \(.*\)$/, '');
        (found[key] ??= []).push(relative(repo, file));
      }
    }
    expect(sheets, 'sheets read').toBeGreaterThan(10);
    const unexplained = Object.fromEntries(Object.entries(found).filter(([key]) => !(key in GRACEFUL)));
    expect(unexplained, 'above the floor with no fallback: add one, or list it in GRACEFUL with what old engines do').toEqual({});
    const stale = Object.keys(GRACEFUL).filter((key) => !(key in found));
    expect(stale, 'listed in GRACEFUL but no longer used').toEqual([]);
  });
});
