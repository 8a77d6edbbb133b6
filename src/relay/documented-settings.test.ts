// README honesty, checked against what the code really reads: every environment variable the
// Node server and CLI read while starting (each platform, the mock, the console) is in the
// configuration table of src/relay/README.md, and every variable that table documents is read
// by some start; every `data-*` of the script tag is in the README's list and the reverse.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_ATTRIBUTES } from '../loader/script-config.js';
import { startRelayServer, type RelayServer } from './node.js';
import { relayConfigFromEnv } from './env.js';

const root = resolve(import.meta.dirname, '../..');
const servers: RelayServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** The backticked UPPER_CASE names in the first column of the relay README's Configuration table. */
function documentedVariables(): Set<string> {
  const text = readFileSync(resolve(root, 'src/relay/README.md'), 'utf8');
  const table = text.slice(text.indexOf('## Configuration'), text.indexOf('Field limits not configurable'));
  const names = table
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string));
  return new Set(names);
}

/** An env object that records every name read from it. */
function recording(values: Record<string, string>, read: Set<string>): Record<string, string | undefined> {
  return new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
}

describe('documented settings are the ones the code reads', () => {
  it('every variable a start reads is in the relay README, and every documented one is read', async () => {
    const read = new Set<string>();
    const common = { PORT: '0', LOG_LEVEL: 'silent', RELAY_SECRET: 'documented-settings-secret' };
    const console = { RELAY_CONSOLE_TOKEN: 'a-console-token-of-16+', INDIGO_PROJECT_ID: '39' };
    const starts: Record<string, string>[] = [
      { ...common, ...console, MOCK_REALTIME: '0', MOCK_SEED: '1' }, // npm start: the indigo mock and the console
      { ...common, RELAY_UPSTREAM: 'botpress', MOCK_REALTIME: '0' }, // offline Botpress
      { ...common, RELAY_UPSTREAM: 'chat-messages' }, // offline chat-messages
      { ...common, ...console, INDIGO_PAT: 'documented-pat', INDIGO_PROJECT_TOKEN: 'p', INDIGO_API_BASE: 'http://127.0.0.1:9' }, // real indigo
      { ...common, RELAY_UPSTREAM: 'botpress', BOTPRESS_TOKEN: 't', BOTPRESS_BOT_ID: 'b', BOTPRESS_API_BASE: 'http://127.0.0.1:9' },
      {
        ...common,
        RELAY_UPSTREAM: 'chat-messages',
        CHAT_MESSAGES_API_KEY: 'k',
        CHAT_MESSAGES_API_BASE: 'http://127.0.0.1:9',
        CHAT_MESSAGES_SENDER_ID: '3f0b5f8e-2c1d-4a8e-9b7f-6a5c4d3e2f10',
      },
    ];
    for (const values of starts) {
      const server = await startRelayServer({ env: recording(values, read) });
      servers.push(server);
    }
    // Settings read only on paths a start in a test cannot take here (REDIS_URL needs a
    // Redis server: its own suite) are read by the config builders all the same.
    relayConfigFromEnv(recording({ INDIGO_PAT: 'x', INDIGO_PROJECT_TOKEN: 'p' }, read));
    const documented = documentedVariables();
    expect(documented.size).toBeGreaterThan(40);
    const names = [...read].filter((k) => /^[A-Z][A-Z0-9_]+$/.test(k));
    expect(names.filter((k) => !documented.has(k)).sort()).toEqual([]);
    // REDIS_URL/RELAY_REDIS_PREFIX: read only when set (tested with a real Redis in shared-limits.test.ts).
    const readOrRedis = new Set([...names, 'RELAY_REDIS_PREFIX']);
    expect([...documented].filter((k) => !readOrRedis.has(k)).sort()).toEqual([]);
  });

  it("the script tag's data-* attributes are exactly the README's list", () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const sentence = readme.slice(
      readme.indexOf('Every `data-*` maps to the element attribute'),
      readme.indexOf('The host page can drive it'),
    );
    const listed = [...sentence.matchAll(/`(data-[a-z-]+)`/g)].map((m) => m[1] as string);
    expect(listed.sort()).toEqual(Object.keys(DATA_ATTRIBUTES).sort());
  });
});
