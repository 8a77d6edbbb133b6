/**
 * `RELAY_UPSTREAM=botpress|chat-messages npm start` without credentials: the relay talks
 * to the built-in Botpress-compatible or chat-messages mock, in process, and says so.
 */
import { createBotpressMock } from '../mock-platform/botpress/index.js';
import { createChatMessagesMock } from '../mock-platform/chat-messages/index.js';
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

function realtime(env: Env): boolean {
  const v = env.MOCK_REALTIME?.trim();
  return !v || (v !== '0' && v.toLowerCase() !== 'false');
}

/** The mock for a non-indigo RELAY_UPSTREAM whose token is unset; null otherwise. */
export function offlineUpstream(env: Env, mockBase: string, log: RelayLog): OfflineUpstream | null {
  const kind = upstreamName(env);
  if (kind === 'botpress' && !env.BOTPRESS_TOKEN?.trim()) {
    const mock = createBotpressMock({ realtime: realtime(env), mediaBase: `${mockBase}/media` });
    log('info', 'RELAY_UPSTREAM=botpress without BOTPRESS_TOKEN: using the built-in Botpress-compatible mock (offline, no credentials)');
    return {
      env: { BOTPRESS_API_BASE: mockBase, BOTPRESS_TOKEN: mock.token, BOTPRESS_BOT_ID: mock.botId },
      fetch: (request) => mock.fetch(request),
    };
  }
  if (kind === 'chat-messages' && !env.CHAT_MESSAGES_API_KEY?.trim()) {
    const mock = createChatMessagesMock({ realtime: realtime(env) });
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
