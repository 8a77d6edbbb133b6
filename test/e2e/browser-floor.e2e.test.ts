// The browser bundles parse in the oldest browsers the README promises (Safari 15.4,
// Chrome/Edge 93, Firefox 125: scripts/browser-target.js): ES2022 with no class static
// block (Safari 16.4), no RegExp lookbehind (Safari 16.4) and no RegExp `v` flag (ES2024;
// acorn at ES2022 refuses it). A syntax error there would leave a launcher that never
// opens. Read from the build in dist/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse, type Node } from 'acorn';
import { describe, expect, it } from 'vitest';

const dist = resolve(import.meta.dirname, '../../dist');

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'types' ? [] : jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** Every node of an ESTree, depth first. */
function* nodes(node: unknown): Generator<Node> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) yield* nodes(child);
    return;
  }
  if (typeof (node as Node).type === 'string') yield node as Node;
  for (const [key, value] of Object.entries(node)) if (key !== 'loc' && typeof value === 'object') yield* nodes(value);
}

/** What the floor cannot parse in one file: `<kind> at <offset>`, empty when none. */
function tooNew(code: string): string[] {
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: 2022, sourceType: 'module' });
  } catch (e) {
    return [`not ES2022: ${(e as Error).message}`];
  }
  return [...nodes(ast)].flatMap((n) => {
    if (n.type === 'StaticBlock') return [`class static block at ${n.start}`];
    // RegExp lookbehind is ES2018, but Safari parses it only from 16.4: the module would not load.
    const regex = (n as Node & { regex?: { pattern: string } }).regex;
    if (n.type === 'Literal' && regex && /\(\?<[=!]/.test(regex.pattern)) return [`RegExp lookbehind at ${n.start}`];
    return [];
  });
}

describe('browser bundles parse in the oldest supported browsers', () => {
  it('the check itself refuses a static block, a lookbehind and a `v` regex, and takes class fields and private methods', () => {
    expect(tooNew('class A { static { this.x = 1; } }')).toEqual(['class static block at 10']);
    expect(tooNew('const r = /[\\p{L}--[a-z]]/v;')[0]).toMatch(/^not ES2022/);
    expect(tooNew('const r = /(?<=a)b/, s = /(?<!a)b/, t = /(?<name>a)/;')).toEqual(['RegExp lookbehind at 10', 'RegExp lookbehind at 25']);
    expect(tooNew('class A { static x = 1; #y = 2; #m() { return this.#y ?? 0; } static has(o) { return #y in o; } }')).toEqual([]);
  });

  it('every .js file the build wrote (widget, loader, chunks, npm entries, demo, console)', () => {
    const files = jsFiles(dist);
    expect(files.some((f) => f.endsWith('indigo-chat.iife.js'))).toBe(true);
    expect(files.filter((f) => f.includes('/indigo-chat/')).length).toBeGreaterThan(10);
    const problems = Object.fromEntries(
      files.map((f) => [relative(dist, f), tooNew(readFileSync(f, 'utf8'))] as const).filter(([, p]) => p.length > 0),
    );
    expect(problems).toEqual({});
  });
});
