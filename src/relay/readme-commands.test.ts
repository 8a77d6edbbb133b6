// Every start command the READMEs print (`… npm start`, `… npx indigo-chat-relay …`) starts,
// as written: its variables (each `…` placeholder filled with a made-up value) given to the
// same code path, the Node server (`npm start` = startRelayServer, the CLI = main()). A
// command that stops at start with a missing setting is a README an owner cannot follow.
// Only loopback: any REDIS_URL host is pointed at a closed port on 127.0.0.1.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, startRelayServer, type RelayServer } from './node.js';

const root = resolve(import.meta.dirname, '../..');
const servers: RelayServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** `VAR=value … npm start` / `npx indigo-chat-relay …` lines of the ```sh blocks and inline code of a file. */
function commands(file: string): string[] {
  const text = readFileSync(resolve(root, file), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = [
    ...[...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').split('\n')),
    ...[...text.matchAll(/`([A-Z_]+=[^`]*(?:npm start|npx indigo-chat-relay)[^`]*)`/g)].map((m) => m[1] ?? ''),
  ];
  return lines.map((l) => l.replace(/#.*$/, '').trim()).filter((l) => /^([A-Z_]+=\S+\s+)+(npm start|npx indigo-chat-relay)\b/.test(l));
}

let closedPort = 0;
async function portNobodyListensOn(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function parse(command: string): { env: Record<string, string>; argv: string[] | null } {
  const words = command.split(/\s+/);
  const env: Record<string, string> = { LOG_LEVEL: 'silent', MOCK_REALTIME: '0' };
  let i = 0;
  for (; i < words.length && /^[A-Z_]+=/.test(words[i] ?? ''); i++) {
    const word = words[i] as string;
    const name = word.slice(0, word.indexOf('='));
    let value = word.slice(word.indexOf('=') + 1);
    if (value === '…') value = `readme-placeholder-${name.toLowerCase()}`;
    if (value === '<uuid>') value = '3f0b5f8e-2c1d-4a8e-9b7f-6a5c4d3e2f10';
    if (name === 'REDIS_URL') value = `redis://127.0.0.1:${closedPort}`;
    env[name] = value;
  }
  const rest = words.slice(i);
  if (rest[0] === 'npm') return { env, argv: null };
  // npx indigo-chat-relay [flags]: the same flags, on a free port.
  const argv = rest.slice(2).map((w, k, all) => (all[k - 1] === '--port' ? '0' : w));
  return { env, argv };
}

describe('the start commands the READMEs print', () => {
  it('are found (the check below is not vacuous)', () => {
    expect(commands('README.md').length).toBeGreaterThanOrEqual(8);
    expect(commands('src/relay/README.md').length).toBeGreaterThanOrEqual(4);
  });

  for (const file of ['README.md', 'src/relay/README.md']) {
    for (const command of commands(file)) {
      it(`${file}: ${command}`, async () => {
        closedPort ||= await portNobodyListensOn();
        const { env, argv } = parse(command);
        let server: RelayServer | null = null;
        let error = '';
        try {
          server = argv ? await main(argv, env) : await startRelayServer({ port: 0, env });
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        if (server) servers.push(server);
        expect(error).toBe('');
        expect(server?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      });
    }
  }
});
