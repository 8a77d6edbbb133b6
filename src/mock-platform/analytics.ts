/**
 * The mock's Analytics REST endpoints (docs/protocol.md, "GraphQL and Analytics"): the
 * seed's envelope, cursor pagination until `next_cursor` is null (`after` for
 * users/unique-daily), `limit` 1–365, zero-filled days, 100 requests / 60 s per PAT, and
 * each of its error shapes. Paths come from the same table the console reads
 * (core/platform/analytics.ts), so `INDIGO_ANALYTICS_PATHS` moves both.
 */
import {
  ANALYTICS_ENDPOINTS,
  DAY_MS,
  MAX_ANALYTICS_LIMIT,
  cursorParam,
  defaultLimit,
  parseDay,
  type AnalyticsEndpoint,
} from '../core/platform/analytics.js';
import type { MockHistory } from './history.js';

export interface AnalyticsMockOptions {
  history: MockHistory;
  projectId: string;
  pat: string;
  paths: Readonly<Record<AnalyticsEndpoint, string>>;
  /** Requests per window per PAT; default 100 per 60 s (the seed's limit). */
  rateLimit?: { max: number; windowMs: number };
  /** Test hook: answer this request with a 500. */
  fault?: (endpoint: AnalyticsEndpoint, url: URL) => boolean;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

const COUNT_KEY: Record<AnalyticsEndpoint, string> = {
  messages: 'total_count',
  chats: 'total_days',
  users: 'days_count',
  csat: 'total_count',
  ai_quality: 'total_count',
  errors: 'total_count',
};

/** Path templates -> matchers (`{project_id}` captures a segment). */
function matcher(template: string): RegExp {
  const escaped = template
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace('\\{project_id\\}', '{project_id}')
    .replace('{project_id}', '([^/]+)');
  return new RegExp(`${escaped}/?$`);
}

export function createAnalyticsRoute(options: AnalyticsMockOptions): (request: Request, url: URL) => Response | null {
  const routes = ANALYTICS_ENDPOINTS.map((e) => [e, matcher(options.paths[e])] as const);
  const limit = options.rateLimit ?? { max: 100, windowMs: 60_000 };
  let window = { start: 0, count: 0 };
  const now = () => options.history.now();

  return (request, url) => {
    let endpoint: AnalyticsEndpoint | undefined;
    let project = '';
    for (const [e, re] of routes) {
      const m = re.exec(url.pathname);
      if (m) {
        endpoint = e;
        project = decodeURIComponent(m[1] ?? '');
        break;
      }
    }
    if (!endpoint) return null;
    if (request.method !== 'GET') return json(405, { status: 'ERROR', message: 'Use GET' }, { allow: 'GET' });
    if (request.headers.get('authorization') !== `Bearer pat-${options.pat}`)
      return json(401, { status: false, message: 'unauthenticated' });
    if (project !== options.projectId) return json(403, { status: false, message: 'unauthorized' });
    const t = now();
    if (t - window.start >= limit.windowMs) window = { start: t, count: 0 };
    if (window.count >= limit.max) {
      const retryAfter = Math.max(1, Math.ceil((window.start + limit.windowMs - t) / 1000));
      return json(429, { status: 'error', message: 'rate limit exceeded', retry_after: retryAfter }, { 'retry-after': String(retryAfter) });
    }
    window.count++;
    if (options.fault?.(endpoint, url)) return json(500, { status: 'ERROR', message: 'Internal server error' });

    const q = url.searchParams;
    const fromRaw = q.get('from');
    const toRaw = q.get('to');
    if (!fromRaw || !toRaw) return json(400, { status: 'ERROR', message: 'Missing required params: from, to' });
    const from = parseDay(fromRaw);
    const to = parseDay(toRaw);
    if (from === null || to === null || to < from) return json(400, { status: 'ERROR', message: 'Invalid params: from, to' });
    const limitRaw = q.get('limit');
    const size = limitRaw === null ? defaultLimit(endpoint) : Number(limitRaw);
    if (!Number.isInteger(size) || size < 1 || size > MAX_ANALYTICS_LIMIT)
      return json(400, { status: 'ERROR', message: `Invalid params: limit (1-${MAX_ANALYTICS_LIMIT})` });
    const days = Math.round((to - from) / DAY_MS);
    let offset = 0;
    const cursor = q.get(cursorParam(endpoint));
    if (cursor !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(atob(cursor));
      } catch {
        parsed = null;
      }
      const c = parsed as { o?: unknown; f?: unknown; t?: unknown } | null;
      if (!c || !Number.isInteger(c.o) || (c.o as number) <= 0 || (c.o as number) >= days || c.f !== fromRaw || c.t !== toRaw)
        return json(400, { status: 'ERROR', message: 'Invalid cursor' });
      offset = c.o as number;
    }
    const start = from + offset * DAY_MS;
    const end = Math.min(to, start + size * DAY_MS);
    const data = options.history.daily(endpoint, start, end);
    const next = offset + size < days ? btoa(JSON.stringify({ o: offset + size, f: fromRaw, t: toRaw })) : null;
    return json(200, { status: 'OK', data, metadata: { next_cursor: next, [COUNT_KEY[endpoint]]: days } });
  };
}
