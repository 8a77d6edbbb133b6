/**
 * `RELAY_UPSTREAM=botpress|chat-messages npm start` without credentials: the relay talks
 * to the built-in Botpress-compatible or chat-messages mock, in process, and says so.
 */
import { createBotpressMock } from '../mock-platform/botpress/index.js';
import { createChatMessagesMock } from '../mock-platform/chat-messages/index.js';
import { RelayConfigError } from './config-error.js';
import type { RelayLog } from './handler.js';
import { upstreamName } from './upstreams/env.js';

type Env = Record<string, string | undefined>;

export interface OfflineUpstream {
  /** Variables that point the adapter at the mock. */
  readonly env: Env;
  /** The mock, served in process (also mounted at its base for media). */
  readonly fetch: (request: Request) => Promise<Response>;
}

const MOCK_SENDER_ID = '00000000-0000-4000-8000-00000000c0de';

/** MOCK_REALTIME: on unless `0`/`false`; anything but `1`/`true`/`0`/`false` stops the start. */
export function mockRealtime(env: Env): boolean {
  const v = (env.MOCK_REALTIME ?? '').trim().toLowerCase();
  if (v === '' || v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new RelayConfigError('MOCK_REALTIME must be 1 (simulated delays) or 0 (none).');
}

/** MOCK_SEED: a number makes the mock reproducible; unset is random; anything else stops the start. */
export function mockSeed(env: Env): number | undefined {
  const v = env.MOCK_SEED?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new RelayConfigError('MOCK_SEED must be a number.');
  return n;
}

/** The mock for a non-indigo RELAY_UPSTREAM whose token is unset; null otherwise. */
export function offlineUpstream(env: Env, mockBase: string, log: RelayLog): OfflineUpstream | null {
  const kind = upstreamName(env);
  if (kind === 'botpress' && !env.BOTPRESS_TOKEN?.trim()) {
    const mock = createBotpressMock({ realtime: mockRealtime(env), mediaBase: `${mockBase}/media` });
    log('info', 'RELAY_UPSTREAM=botpress without BOTPRESS_TOKEN: using the built-in Botpress-compatible mock (offline, no credentials)');
    return {
      env: { BOTPRESS_API_BASE: mockBase, BOTPRESS_TOKEN: mock.token, BOTPRESS_BOT_ID: mock.botId },
      fetch: (request) => mock.fetch(request),
    };
  }
  if (kind === 'chat-messages' && !env.CHAT_MESSAGES_API_KEY?.trim()) {
    const mock = createChatMessagesMock({ realtime: mockRealtime(env) });
    log(
      'info',
      'RELAY_UPSTREAM=chat-messages without CHAT_MESSAGES_API_KEY: using the built-in chat-messages mock (offline, no credentials)',
    );
    return {
      env: {
        CHAT_MESSAGES_API_BASE: mockBase,
        CHAT_MESSAGES_API_KEY: mock.apiKey,
        CHAT_MESSAGES_SENDER_ID: env.CHAT_MESSAGES_SENDER_ID?.trim() || MOCK_SENDER_ID,
      },
      fetch: (request) => mock.fetch(request),
    };
  }
  return null;
}
