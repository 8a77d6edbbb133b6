#!/usr/bin/env node
// `npm start`: builds what is missing or stale, then serves the demo, the relay at /api/chat
// and (without INDIGO_PAT) the built-in mock platform, on one port (PORT, default 5173).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const stamp = join(root, 'dist/demo/index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const needed = ['dist/relay-node.js', 'dist/indigo-chat.iife.js', 'dist/demo/index.html', 'dist/console/console.js'];
const stale =
  needed.some((f) => !existsSync(join(root, f))) ||
  Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'demo'))) > statSync(stamp).mtimeMs;
if (stale) {
  console.log('start: building the package, the script-tag bundle and the demo…');
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.js'), '--no-types'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { startRelayServer } = await import(pathToFileURL(join(root, 'dist/relay-node.js')).href);
let server;
try {
  server = await startRelayServer({ staticDir: join(root, 'dist/demo'), env: process.env });
} catch (error) {
  // A missing or malformed setting: one clear line, no stack trace.
  console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`\n  indigo-chat demo: ${server.url}/\n`);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
