import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The relay entry must run on Workers/Deno/Bun: walk every relative import it reaches and
 * check that none of those files imports a `node:` module or a Node built-in.
 */
const here = dirname(fileURLToPath(import.meta.url));
const BUILTINS = /^(node:|fs$|path$|http$|https$|net$|os$|crypto$|stream$|events$|buffer$|url$|util$|child_process$)/;

function reach(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const source = readFileSync(file, 'utf8');
  const specs = [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  const dynamic = [...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  const all = [...specs, ...dynamic];
  seen.set(file, all);
  for (const spec of all) if (spec.startsWith('.')) reach(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen);
  return seen;
}

describe('relay entry is web-standard', () => {
  it('reaches no node: import', () => {
    const graph = reach(resolve(here, 'index.ts'));
    expect([...graph.keys()].some((f) => f.endsWith('core/protocol/decode.ts'))).toBe(true);
    const offenders = [...graph].flatMap(([file, specs]) => specs.filter((s) => BUILTINS.test(s)).map((s) => `${file}: ${s}`));
    expect(offenders).toEqual([]);
    // and the checker itself can fail: node.ts does import node: modules
    const nodeGraph = reach(resolve(here, 'node.ts'));
    expect([...nodeGraph.values()].flat().some((s) => BUILTINS.test(s))).toBe(true);
  });
});

describe('worker entry is web-standard', () => {
  it('reaches no node: import', () => {
    const graph = reach(resolve(here, 'worker.ts'));
    const offenders = [...graph].flatMap(([file, specs]) => specs.filter((s) => BUILTINS.test(s)).map((s) => `${file}: ${s}`));
    expect(offenders).toEqual([]);
    expect([...graph.keys()].some((f) => f.endsWith('store.ts'))).toBe(true);
  });
});
