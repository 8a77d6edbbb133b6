// The npm package as a user gets it: `npm pack` of the built tree, unpacked into a temp
// project that has nothing but the package's declared dependencies (symlinked from this
// repo's node_modules, so no network), then every public entry imported and typechecked.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const fixture = join(root, 'test/fixtures/package-consumer');

interface PackageJson {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const runtimeDeps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };

let project = '';
let installed = '';
let files: string[] = [];

/** The package a bare specifier names (`lit/decorators.js` -> `lit`, `@a/b/c` -> `@a/b`). */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Bare imports of every packed .js file (static and dynamic). */
function bareImports(): Set<string> {
  const found = new Set<string>();
  // Static imports/re-exports at the start of a line (as the bundler writes them) and dynamic
  // `import('…')`; not the word "from" inside bundled comments.
  const specifier =
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"'./][^"']*)["']|^\s*import\s*["']([^"'./][^"']*)["']|\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/gm;
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    for (const m of readFileSync(join(installed, file), 'utf8').matchAll(specifier)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string;
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      found.add(packageOf(spec));
    }
  }
  return found;
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'indigo-pack-'));
  // --ignore-scripts: the suite runs after `npm run build`; prepack would rebuild.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  files = info.files.map((f) => f.path);
  installed = join(project, 'node_modules/indigo-chat-widget');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', join(project, info.filename), '-C', installed, '--strip-components=1']);
  // Only the hard dependencies (plus @types/node for the relay's Node types): optional peers
  // (better-sqlite3, a native module) must not be needed to load or typecheck anything.
  for (const dep of [...Object.keys(pkg.dependencies ?? {}), '@types/node']) {
    mkdirSync(dirname(join(project, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  cpSync(fixture, project, { recursive: true });
}, 60_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed npm package', () => {
  it('ships the builds, types, manifest and licenses, and no sources, tests, test helpers or demo', () => {
    for (const f of [
      'dist/index.js',
      'dist/define.js',
      'dist/core.js',
      'dist/relay.js',
      'dist/relay-node.js',
      'dist/mock-platform.js',
      'dist/indigo-chat.iife.js',
      'dist/types/index.d.ts',
      'custom-elements.json',
      'dist/THIRD-PARTY-LICENSES.txt',
      // The relay's reference, which the CLI's --help points to.
      'dist/RELAY.md',
      // package.json says MIT: the license text (with its copyright line) ships with it.
      'LICENSE',
      'bin/indigo-chat-relay.js',
    ]) {
      expect(files).toContain(f);
    }
    const unwanted = files.filter((f) => /^src\/|^test\/|^dist\/(demo|bench)\/|\.test\.|test-helper|test-utils|\/msw\.|\.tgz$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('declares every package its files import and depends on nothing unused, with caret ranges', () => {
    const imported = bareImports();
    // Anything imported is declared (a dependency, or an optional peer loaded on demand) ...
    expect([...imported].filter((name) => !(name in runtimeDeps))).toEqual([]);
    // ... and every hard dependency is used by some file.
    expect(Object.keys(pkg.dependencies ?? {}).filter((name) => !imported.has(name))).toEqual([]);
    for (const [name, range] of Object.entries(runtimeDeps)) expect(`${name}@${range}`).toMatch(/@\^\d/);
    // Server-side helpers are bundled into the relay/mock builds, never a browser user's install.
    for (const serverOnly of ['marked', 'diff', 'msw']) expect(pkg.dependencies ?? {}).not.toHaveProperty(serverOnly);
  });

  it('gives every conditional export a `default` beside `import`', () => {
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect({ entry, default: target['default'] }).toEqual({ entry, default: target['import'] });
    }
  });

  it('loads every entry with only its declared dependencies; the relay + mock stream an LLM answer', () => {
    const out = execFileSync(process.execPath, ['consume.mjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(out.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(report).toMatchObject({ element: true, relay: true, mock: true, lazy: true, sqliteWarning: true, status: 200 });
    expect(report['worker']).toEqual([200, 500, 'relay_misconfigured']);
    expect(report['markdownHtml']).toBe('<p>Hello <strong>world</strong>, a <a href="https://example.com">link</a>.</p>\n');
    expect(report['chunkTypes']).toEqual(expect.arrayContaining(['generation.start', 'generation.chunk', 'generation.end']));
  });

  it('typechecks a consumer of every entry (strict, NodeNext, skipLibCheck off)', () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 120_000);
});
