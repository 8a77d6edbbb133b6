import { exactOrigin, wholeNumber } from './config-error.js';
import { DEFAULT_LIMITS, DEFAULT_RELAY_LIMITS, mediaOriginOf, RelayConfigError, type RelayConfig, type RelayLimits } from './handler.js';
import { botpressFromEnv, chatMessagesFromEnv, upstreamName } from './upstreams/env.js';
import { DELTA_UNITS, isDeltaUnit } from '../core/delta/types.js';

/** Env variable -> limit. Documented in README.md; keep the two in step. */
export const ENV_LIMITS: Readonly<Record<string, keyof RelayLimits>> = Object.freeze({
  RELAY_MAX_BODY_BYTES: 'bodyBytes',
  RELAY_MAX_TEXT_CHARS: 'textChars',
  RELAY_MAX_PROFILE_KEYS: 'profileKeys',
  RELAY_MAX_REPLY_BYTES: 'replyBytes',
  RELAY_FIRST_BYTE_TIMEOUT_MS: 'firstByteMs',
  RELAY_IDLE_TIMEOUT_MS: 'idleMs',
  RELAY_TOTAL_TIMEOUT_MS: 'totalMs',
  RELAY_HEARTBEAT_MS: 'heartbeatMs',
  RELAY_RATE_PER_MINUTE: 'perIpPerMinute',
  RELAY_RATE_BURST: 'perIpBurst',
  RELAY_SENDER_RATE_PER_MINUTE: 'perSenderPerMinute',
  RELAY_SESSIONS_PER_HOUR: 'sessionsPerIpPerHour',
  RELAY_SESSIONS_BURST: 'sessionsPerIpBurst',
});

/**
 * Builds a RelayConfig from environment variables. Throws RelayConfigError (naming the
 * variable, never its value) when a required one is missing or a number is malformed.
 */
export function relayConfigFromEnv(env: Record<string, string | undefined>): RelayConfig {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const kind = upstreamName(env);
  const pat = get('INDIGO_PAT');
  const projectToken = get('INDIGO_PROJECT_TOKEN');
  if (kind === 'indigo') {
    if (!pat) throw new RelayConfigError('INDIGO_PAT is not set.');
    if (!projectToken) throw new RelayConfigError('INDIGO_PROJECT_TOKEN is not set.');
  }
  const limits: Partial<RelayLimits> = {};
  for (const [name, key] of Object.entries(ENV_LIMITS)) {
    const raw = get(name);
    if (raw === undefined) continue;
    limits[key] = wholeNumber(name, raw);
  }
  const origins = get('ALLOWED_ORIGINS')
    ?.split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o, i) => exactOrigin('ALLOWED_ORIGINS', o, i + 1));
  const config: RelayConfig =
    kind === 'indigo'
      ? { apiBase: get('INDIGO_API_BASE') ?? 'https://platform.indigo.ai', projectToken, pat, limits }
      : { upstream: kind === 'botpress' ? botpressFromEnv(env) : chatMessagesFromEnv(env), limits };
  if (origins?.length) config.allowedOrigins = origins;
  const optional: [keyof RelayConfig, string][] = [
    ['secret', 'RELAY_SECRET'],
    ['basePath', 'RELAY_BASE_PATH'],
    ['source', 'RELAY_SOURCE'],
  ];
  for (const [key, name] of optional) {
    const v = get(name);
    if (v !== undefined) (config as unknown as Record<string, unknown>)[key] = v;
  }
  // A path, not a URL: `https://shop.example/api/chat` would mount the relay nowhere reachable.
  const basePath = get('RELAY_BASE_PATH');
  if (basePath !== undefined && !/^\/?[A-Za-z0-9._~!$&'()*+,;=@%/-]*$/.test(basePath))
    throw new RelayConfigError('RELAY_BASE_PATH must be a path such as /api/chat (no scheme, host, query or spaces).');
  const unit = get('RELAY_DELTA_UNIT')?.toLowerCase();
  if (unit !== undefined) {
    if (!isDeltaUnit(unit)) throw new RelayConfigError(`RELAY_DELTA_UNIT must be one of ${DELTA_UNITS.join(', ')}.`);
    config.deltaUnit = unit;
  }
  const self = get('RELAY_SELF_ORIGIN');
  if (self !== undefined) config.selfOrigin = exactOrigin('RELAY_SELF_ORIGIN', self);
  const feedback = feedbackFromEnv(get);
  if (feedback) config.feedback = feedback;
  // Platform media origins announced to the widget; `none` announces none. A URL with a
  // path counts as its origin; an entry that is no http(s) URL stops the start (dropping it
  // would leave the owner wondering why images from there wait for a click).
  const media = get('RELAY_MEDIA_ORIGINS');
  if (media !== undefined) {
    config.mediaOrigins =
      media.toLowerCase() === 'none'
        ? []
        : media
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
            .map((o, i) => {
              if (mediaOriginOf(o) === null)
                throw new RelayConfigError(
                  `RELAY_MEDIA_ORIGINS takes origins such as https://cdn.example (comma-separated), or none; entry ${i + 1} is not one.`,
                );
              return o;
            });
  }
  const trust = get('RELAY_TRUST_PROXY');
  if (trust) config.trustProxy = trustProxyHops(trust);
  return config;
}

export { DEFAULT_RELAY_LIMITS, DEFAULT_LIMITS };

/** RELAY_TRUST_PROXY: a hop count (0, 1, 2, ...); `true`/`false` are read as 1/0. */
export function trustProxyHops(raw: string): number {
  const v = raw.trim().toLowerCase();
  if (v === 'true') return 1;
  if (v === 'false') return 0;
  if (!/^\d{1,2}$/.test(v) || Number(v) > 10) throw new RelayConfigError('RELAY_TRUST_PROXY must be a hop count (0-10) or true/false.');
  return Number(v);
}

/**
 * FEEDBACK_WEBHOOK_URL, FEEDBACK_WEBHOOK_SECRET and RELAY_FEEDBACK_DAYS (the store itself is
 * chosen by the Node server). createRelay checks the secret against the URL and RELAY_SECRET.
 */
function feedbackFromEnv(get: (name: string) => string | undefined): RelayConfig['feedback'] {
  const out: NonNullable<RelayConfig['feedback']> = {};
  const days = get('RELAY_FEEDBACK_DAYS');
  if (days !== undefined) {
    out.retentionDays = wholeNumber('RELAY_FEEDBACK_DAYS', days, 1, 3650);
  }
  const hook = get('FEEDBACK_WEBHOOK_URL');
  if (hook !== undefined) {
    let url: URL;
    try {
      url = new URL(hook);
    } catch {
      throw new RelayConfigError('FEEDBACK_WEBHOOK_URL is not a valid URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RelayConfigError('FEEDBACK_WEBHOOK_URL must be an http(s) URL.');
    out.webhookUrl = url.href;
  }
  // Read whether or not the URL is set (the settings test sees every variable read).
  const hookSecret = get('FEEDBACK_WEBHOOK_SECRET');
  if (hookSecret !== undefined && out.webhookUrl !== undefined) out.webhookSecret = hookSecret;
  return Object.keys(out).length ? out : undefined;
}
