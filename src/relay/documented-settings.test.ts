// README honesty, checked against what the code really reads: every environment variable the
// Node server and CLI read while starting (each platform, the mock, the console) is in the
// configuration table of src/relay/README.md, and every variable that table documents is read
// by some start; every `data-*` of the script tag is in the README's list and the reverse.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATA_ATTRIBUTES } from '../loader/script-config.js';
import { main, startRelayServer, type RelayServer } from './node.js';
import { ENV_LIMITS, relayConfigFromEnv } from './env.js';
import { DEFAULT_RELAY_LIMITS } from './handler.js';

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

/** The default column of one row of the relay README's Configuration table. */
function documentedDefault(name: string): string {
  const text = readFileSync(resolve(root, 'src/relay/README.md'), 'utf8');
  const row = text.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
  if (row === undefined) throw new Error(`no row for ${name}`);
  return row.split('|')[2]?.trim() ?? '';
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

  it("the documented limit defaults are the relay's, and the body cap holds over HTTP as documented", async () => {
    // A row whose default is one number is that limit's default (bursts default to the rate).
    const numeric = Object.entries(ENV_LIMITS).filter(([name]) => /^`\d+`$/.test(documentedDefault(name)));
    expect(numeric.length).toBeGreaterThan(8);
    for (const [name, key] of numeric) expect(Number(documentedDefault(name).slice(1, -1)), name).toBe(DEFAULT_RELAY_LIMITS[key]);
    expect(documentedDefault('RELAY_MAX_TEXT_CHARS')).toBe(`\`${DEFAULT_RELAY_LIMITS.textChars}\``);
    // The body cap follows the text limit (4 bytes a character + 384, at least the base):
    // the figure the table gives for the default text limit is the one a request meets.
    const body = /`(\d+)` with the default text limit/.exec(documentedDefault('RELAY_MAX_BODY_BYTES'));
    expect(body, 'RELAY_MAX_BODY_BYTES names its figure with the default text limit').not.toBeNull();
    const cap = Number(body?.[1]);
    const server = await startRelayServer({ env: { PORT: '0', LOG_LEVEL: 'silent', MOCK_REALTIME: '0' } });
    servers.push(server);
    const post = (bytes: number) =>
      fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ pad: 'x'.repeat(bytes - 10) }), // {"pad":"…"}: 10 bytes around the padding
      });
    const over = await post(cap + 1);
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    const at = await post(cap);
    expect(at.status).toBe(400); // read whole, then refused for its content: not too large
    expect(((await at.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  it('the CLI --help names every documented variable (limits, Botpress and chat-messages as their families)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    let help: string;
    try {
      expect(await main(['--help'], {})).toBeNull();
      help = log.mock.calls.map((c) => String(c[0])).join('\n');
    } finally {
      log.mockRestore();
    }
    expect(help).toContain('RELAY_* limits');
    expect(help).toContain('BOTPRESS_* or CHAT_MESSAGES_*');
    const named = new Set(help.match(/\b[A-Z][A-Z0-9_]+\b/g));
    const family = (v: string) => v in ENV_LIMITS || v.startsWith('BOTPRESS_') || v.startsWith('CHAT_MESSAGES_');
    expect([...documentedVariables()].filter((v) => !named.has(v) && !family(v)).sort()).toEqual([]);
  });

  it("the root README's settings table names every feedback setting (the webhook's key among them)", () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const start = readme.indexOf('| variable | default | meaning |\n|---|---|---|\n| `INDIGO_API_BASE`');
    expect(start, 'the settings table').toBeGreaterThan(0);
    const table = readme.slice(start, readme.indexOf('\n\n', start));
    const named = new Set([...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string));
    const feedback = ['RELAY_DATA_DIR', 'RELAY_FEEDBACK_DAYS', ...[...documentedVariables()].filter((v) => v.startsWith('FEEDBACK_'))];
    expect(feedback).toContain('FEEDBACK_WEBHOOK_SECRET');
    expect(feedback.filter((v) => !named.has(v)).sort()).toEqual([]);
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
