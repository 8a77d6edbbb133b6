// The CLI as an owner runs it (bin/indigo-chat-relay.js in its own process, the relay bundled
// from source as dist/relay-node.js beside it): a setting that cannot work ends it with exit 1
// and one line on stderr, no stack trace; a checkout that was never built says to build.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, repoRoot } from '../../test/support/bundle.js';

let home = '';
beforeAll(async () => {
  // Inside node_modules/.cache so the bundle's packages resolve from the repo.
  const cache = join(repoRoot, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  home = mkdtempSync(join(cache, 'indigo-cli-'));
  for (const layout of ['built', 'unbuilt']) {
    mkdirSync(join(home, layout, 'bin'), { recursive: true });
    copyFileSync(join(repoRoot, 'bin/indigo-chat-relay.js'), join(home, layout, 'bin/indigo-chat-relay.js'));
    writeFileSync(join(home, layout, 'package.json'), '{"type":"module"}');
  }
  mkdirSync(join(home, 'built/dist'));
  copyFileSync(await bundle('src/relay/node.ts', 'node'), join(home, 'built/dist/relay-node.js'));
}, 60_000);
afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

const cli = (layout: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(home, layout, 'bin/indigo-chat-relay.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', MOCK_REALTIME: '0', ...env },
    timeout: 20_000,
  });

describe('indigo-chat-relay refusing to start', () => {
  it.each([
    [['--port', '0', '--static', '/no/such/dir'], {}, '--static: /no/such/dir is not a directory.'],
    [['--port', '0'], { ALLOWED_ORIGINS: 'shop.example' }, 'ALLOWED_ORIGINS takes exact origins'],
    [['--port', '0'], { INDIGO_PAT: 'real-looking-pat', INDIGO_PROJECT_TOKEN: 'p' }, 'RELAY_SECRET is not set: refusing to start'],
    [['--port', '0'], { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of'],
    [['--port', 'eighty'], {}, '--port must be a whole number from 0 to 65535.'],
    [['--port', ' '], {}, '--port must be a whole number from 0 to 65535.'],
    [['--port', '0x50'], {}, '--port must be a whole number from 0 to 65535.'],
    [[], { PORT: '1e3' }, 'PORT must be a whole number from 0 to 65535.'],
  ] as const)('%j %j: exit 1, one line', (args, env, line) => {
    const r = cli('built', [...args], env);
    expect(r.status).toBe(1);
    const stderr = r.stderr.split('\n').filter(Boolean);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain(line);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('a checkout that was never built: one line saying to build', () => {
    const r = cli('unbuilt', ['--help']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'indigo-chat-relay: dist/relay-node.js is missing; run `npm run build` first (the npm package ships it built).',
    );
  });

  it('--help still prints the usage', () => {
    const r = cli('built', ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: indigo-chat-relay \[--port <n>\]/);
  });
});
