import { RelayConfigError, wholeNumber } from '../config-error.js';
import { botpressUpstream } from './botpress.js';
import { chatMessagesUpstream } from './chat-messages.js';
import type { UpstreamSpec } from './types.js';

/** `RELAY_UPSTREAM` values. */
export const UPSTREAMS = ['indigo', 'botpress', 'chat-messages'] as const;
export type UpstreamName = (typeof UPSTREAMS)[number];

type Env = Record<string, string | undefined>;

function get(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function ms(env: Env, name: string): number | undefined {
  const raw = get(env, name);
  if (raw === undefined) return undefined;
  return wholeNumber(name, raw);
}

/** `RELAY_UPSTREAM` (default `indigo`); anything else stops the relay with one line. */
export function upstreamName(env: Env): UpstreamName {
  const raw = (get(env, 'RELAY_UPSTREAM') ?? 'indigo').toLowerCase();
  if ((UPSTREAMS as readonly string[]).includes(raw)) return raw as UpstreamName;
  throw new RelayConfigError(`RELAY_UPSTREAM must be one of ${UPSTREAMS.join(', ')}.`);
}

/** The Botpress adapter from BOTPRESS_* variables (messages name the variable, never its value). */
export function botpressFromEnv(env: Env): UpstreamSpec {
  const token = get(env, 'BOTPRESS_TOKEN');
  const botId = get(env, 'BOTPRESS_BOT_ID');
  if (!token) throw new RelayConfigError('RELAY_UPSTREAM=botpress needs BOTPRESS_TOKEN.');
  if (!botId) throw new RelayConfigError('RELAY_UPSTREAM=botpress needs BOTPRESS_BOT_ID.');
  const apiBase = get(env, 'BOTPRESS_API_BASE');
  const integrationId = get(env, 'BOTPRESS_INTEGRATION_ID');
  const replyQuietMs = ms(env, 'BOTPRESS_REPLY_QUIET_MS');
  const replyMaxMs = ms(env, 'BOTPRESS_REPLY_MAX_MS');
  const channel = get(env, 'BOTPRESS_CHANNEL');
  const integrationName = get(env, 'BOTPRESS_INTEGRATION_NAME');
  const visitorTag = get(env, 'BOTPRESS_VISITOR_TAG');
  return botpressUpstream({
    token,
    botId,
    ...(apiBase ? { apiBase } : {}),
    ...(integrationId ? { integrationId } : {}),
    ...(channel ? { channel } : {}),
    ...(integrationName ? { integrationName } : {}),
    ...(visitorTag ? { visitorTag } : {}),
    ...(replyQuietMs ? { replyQuietMs } : {}),
    ...(replyMaxMs ? { replyMaxMs } : {}),
  });
}

/** The chat-messages adapter from CHAT_MESSAGES_* variables. */
export function chatMessagesFromEnv(env: Env): UpstreamSpec {
  const apiBase = get(env, 'CHAT_MESSAGES_API_BASE');
  const apiKey = get(env, 'CHAT_MESSAGES_API_KEY');
  const senderId = get(env, 'CHAT_MESSAGES_SENDER_ID');
  if (!apiBase) throw new RelayConfigError('RELAY_UPSTREAM=chat-messages needs CHAT_MESSAGES_API_BASE.');
  if (!apiKey) throw new RelayConfigError('RELAY_UPSTREAM=chat-messages needs CHAT_MESSAGES_API_KEY.');
  if (!senderId) throw new RelayConfigError('RELAY_UPSTREAM=chat-messages needs CHAT_MESSAGES_SENDER_ID.');
  const replyQuietMs = ms(env, 'CHAT_MESSAGES_REPLY_QUIET_MS');
  const replyMaxMs = ms(env, 'CHAT_MESSAGES_REPLY_MAX_MS');
  return chatMessagesUpstream({
    apiBase,
    apiKey,
    senderId,
    ...(replyQuietMs ? { replyQuietMs } : {}),
    ...(replyMaxMs ? { replyMaxMs } : {}),
  });
}
