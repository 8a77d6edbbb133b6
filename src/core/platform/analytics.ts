/**
 * The platform's Analytics REST API (docs/protocol.md, "GraphQL and Analytics"), as
 * data shared by the mock platform (which serves it) and the relay's console (which reads
 * it). Pure: no I/O.
 *
 * The seed names six endpoints and their fields but not their paths, so the paths are a
 * table: `DEFAULT_ANALYTICS_PATHS` below, overridable with `INDIGO_ANALYTICS_PATHS`
 * (`key=/path/{project_id}/...` pairs separated by commas, or a JSON object).
 * Field names the seed does not give (chats, returning users, AI quality, errors) are our
 * assumption and documented in src/relay/README.md.
 */

export const ANALYTICS_ENDPOINTS = ['messages', 'chats', 'users', 'csat', 'ai_quality', 'errors'] as const;
export type AnalyticsEndpoint = (typeof ANALYTICS_ENDPOINTS)[number];

export const DEFAULT_ANALYTICS_PATHS: Readonly<Record<AnalyticsEndpoint, string>> = Object.freeze({
  messages: '/api/analytics/{project_id}/messages/daily',
  chats: '/api/analytics/{project_id}/chats/daily',
  users: '/api/analytics/{project_id}/users/unique-daily',
  csat: '/api/analytics/{project_id}/csat/daily',
  ai_quality: '/api/analytics/{project_id}/ai-quality/daily',
  errors: '/api/analytics/{project_id}/errors/daily',
});

/** Numeric fields of each endpoint's daily row (besides `date`). */
export const ANALYTICS_FIELDS: Readonly<Record<AnalyticsEndpoint, readonly string[]>> = Object.freeze({
  messages: ['inbound_messages', 'outbound_messages', 'positive_feedback', 'negative_feedback', 'ht_requests', 'ht_starts'],
  chats: ['chats'],
  users: ['returning_users'],
  csat: ['total', 'avg_score'],
  ai_quality: ['total', 'avg_score'],
  errors: ['api_errors'],
});

/** users/unique-daily pages with `after`; every other endpoint with `cursor`. */
export function cursorParam(endpoint: AnalyticsEndpoint): 'after' | 'cursor' {
  return endpoint === 'users' ? 'after' : 'cursor';
}

export function defaultLimit(endpoint: AnalyticsEndpoint): number {
  return endpoint === 'users' ? 31 : 30;
}

export const MAX_ANALYTICS_LIMIT = 365;

/** One daily row: `date` (YYYY-MM-DD) plus the endpoint's fields (numbers or null). */
export interface AnalyticsRow {
  readonly date: string;
  readonly [field: string]: string | number | null;
}

export interface AnalyticsEnvelope {
  readonly status: string;
  readonly data: readonly AnalyticsRow[];
  readonly metadata: {
    readonly next_cursor: string | null;
    readonly total_count?: number;
    readonly total_days?: number;
    readonly days_count?: number;
  };
}

/** Parses INDIGO_ANALYTICS_PATHS; throws an Error naming the problem (never echoing secrets: there are none here). */
export function parseAnalyticsPaths(value: string | undefined): Record<AnalyticsEndpoint, string> {
  const out: Record<AnalyticsEndpoint, string> = { ...DEFAULT_ANALYTICS_PATHS };
  const text = value?.trim();
  if (!text) return out;
  let pairs: [string, unknown][];
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('INDIGO_ANALYTICS_PATHS is not valid JSON.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('INDIGO_ANALYTICS_PATHS must be an object.');
    pairs = Object.entries(parsed);
  } else {
    pairs = text.split(',').map((p) => {
      const i = p.indexOf('=');
      return i === -1 ? [p.trim(), undefined] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    });
  }
  for (const [key, path] of pairs) {
    if (!(ANALYTICS_ENDPOINTS as readonly string[]).includes(key))
      throw new Error(`INDIGO_ANALYTICS_PATHS: unknown endpoint "${key}" (known: ${ANALYTICS_ENDPOINTS.join(', ')}).`);
    if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path))
      throw new Error(`INDIGO_ANALYTICS_PATHS: the path for "${key}" must start with / and hold no query.`);
    out[key as AnalyticsEndpoint] = path;
  }
  return out;
}

/** YYYY-MM-DD of a UTC day. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** Start of a UTC day in ms, or null for anything that is not a real YYYY-MM-DD date. */
export function parseDay(day: unknown): number | null {
  if (typeof day !== 'string' || !DAY_RE.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && isoDay(ms) === day ? ms : null;
}

export const DAY_MS = 86_400_000;
