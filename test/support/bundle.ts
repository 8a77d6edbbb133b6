/**
 * Bundles a TypeScript entry into one ES module for a child process or workerd, so those
 * tests run the sources (no `npm run build` first). Node-side bundles keep packages
 * external and are written inside node_modules/.cache so Node resolves them from the repo.
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function bundle(entry: string, platform: 'node' | 'neutral'): Promise<string> {
  const dir = join(repoRoot, 'node_modules/.cache/indigo-test-bundles');
  mkdirSync(dir, { recursive: true });
  // Bundles of earlier runs (one per process) older than an hour go.
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    try {
      if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true });
    } catch {
      // another run removed it first
    }
  }
  const name = entry.replace(/[^A-Za-z0-9]+/g, '-');
  const outfile = join(dir, `${name}-${platform}-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [resolve(repoRoot, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    logLevel: 'error',
    ...(platform === 'node' ? { packages: 'external' as const } : { mainFields: ['module', 'main'], conditions: ['worker', 'browser'] }),
  });
  return outfile;
}
