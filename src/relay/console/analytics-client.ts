/**
 * The console's client for the Analytics REST API, following the seed exactly
 * (docs/protocol.md, "GraphQL and Analytics"):
 * - `from`/`to` (to exclusive), `limit` <= 365, page through `metadata.next_cursor` until
 *   null (`after` instead of `cursor` for users/unique-daily);
 * - at most 100 requests per 60 s per PAT: requests wait in a queue for a free slot, and a
 *   429 is honoured by waiting its `retry_after` seconds before trying again when that is
 *   10 s or less, else it is the endpoint's error with its `retryAfter`;
 * - historical days are stable: cached (per endpoint and day) and never fetched again;
 *   only yesterday and today are refetched (the seed does not say in which time zone a day
 *   ends, nor how soon its aggregate closes: a day closed by the relay's UTC clock may
 *   still be partial there, and was then kept partial for good);
 * - rows without the endpoint's fields, or without a date, are an error for that endpoint,
 *   not zeros (the seed's examples are empty: a field named otherwise showed as 0);
 * - the seed's error bodies (400/401/403/429/500) become an `AnalyticsError` carrying the
 *   status and the platform's message, for the console to show as they are.
 */
import {
  ANALYTICS_FIELDS,
  DAY_MS,
  MAX_ANALYTICS_LIMIT,
  cursorParam,
  isoDay,
  type AnalyticsEndpoint,
  type AnalyticsRow,
} from '../../core/platform/analytics.js';
import { withDeadline } from '../deadline.js';

/** The longest 429 `retry_after` the client waits out itself, in seconds. */
const MAX_429_WAIT_S = 10;

/** Per endpoint: two years of days, a few hundred KB at most. */
export const MAX_CACHED_DAYS = 731;

export class AnalyticsError extends Error {
  override name = 'AnalyticsError';
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface AnalyticsClientOptions {
  /** e.g. https://platform.indigo.ai */
  base: string;
  projectId: string;
  /** `pat-…` */
  pat: string;
  paths: Readonly<Record<AnalyticsEndpoint, string>>;
  fetch?: (request: Request) => Promise<Response>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Default 100 per 60,000 ms (the seed's limit). */
  maxRequests?: number;
  windowMs?: number;
  /** Retries of one request after 429/500/network errors (default 3). */
  retries?: number;
  timeoutMs?: number;
}

export interface AnalyticsClient {
  /** Daily rows for [from, to) (YYYY-MM-DD), zero-filled by the platform, oldest first. */
  daily(endpoint: AnalyticsEndpoint, from: string, to: string): Promise<AnalyticsRow[]>;
  /** Requests sent so far (tests and the console's own figures). */
  readonly requests: number;
  readonly cachedDays: number;
}

export function createAnalyticsClient(options: AnalyticsClientOptions): AnalyticsClient {
  const doFetch = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const max = options.maxRequests ?? 100;
  const windowMs = options.windowMs ?? 60_000;
  const retries = options.retries ?? 3;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const base = options.base.replace(/\/+$/, '');
  const sent: number[] = [];
  let requests = 0;
  let queue: Promise<unknown> = Promise.resolve();
  /** endpoint -> date -> row, past days only. */
  const cache = new Map<AnalyticsEndpoint, Map<string, AnalyticsRow>>();

  /** Waits for a slot in the sliding window; one caller at a time (a FIFO queue). */
  const slot = (): Promise<void> => {
    const mine = queue.then(async () => {
      for (;;) {
        const t = now();
        while (sent.length > 0 && (sent[0] as number) <= t - windowMs) sent.shift();
        if (sent.length < max) {
          sent.push(t);
          return;
        }
        await sleep((sent[0] as number) + windowMs - t);
      }
    });
    queue = mine.catch(() => {});
    return mine;
  };

  const get = async (url: URL): Promise<{ data: AnalyticsRow[]; next: string | null }> => {
    for (let attempt = 0; ; attempt++) {
      await slot();
      requests++;
      let res: Response;
      let body: Record<string, unknown> | null;
      try {
        // The answer and its body within the time limit.
        [res, body] = await withDeadline(timeoutMs, async (signal) => {
          const r = await doFetch(
            new Request(url, { headers: { authorization: `Bearer ${options.pat}`, accept: 'application/json' }, signal }),
          );
          return [r, (await r.json().catch(() => null)) as Record<string, unknown> | null] as const;
        });
      } catch {
        if (attempt < retries) {
          await sleep(1000 * 2 ** attempt);
          continue;
        }
        throw new AnalyticsError(0, 'The analytics API could not be reached.');
      }
      const message = typeof body?.['message'] === 'string' ? body['message'] : `HTTP ${res.status}`;
      if (res.status === 429) {
        const ra = Number(body?.['retry_after'] ?? res.headers.get('retry-after'));
        const wait = Number.isFinite(ra) && ra > 0 ? Math.min(ra, 3600) : 60;
        // A short wait is waited here; a longer one (the seed's example: 60 s, up to three
        // times) is told to the owner's page at once ("retry after N s"), not a page that
        // hangs for minutes.
        if (attempt < retries && wait <= MAX_429_WAIT_S) {
          await sleep(wait * 1000);
          continue;
        }
        throw new AnalyticsError(429, message, wait);
      }
      if (res.status >= 500 && attempt < retries) {
        await sleep(1000 * 2 ** attempt);
        continue;
      }
      if (!res.ok) throw new AnalyticsError(res.status, message);
      const data = body?.['data'];
      const meta = body?.['metadata'] as { next_cursor?: unknown } | undefined;
      if (!Array.isArray(data) || !meta) throw new AnalyticsError(res.status, 'The analytics API sent an unexpected body.');
      // A day as `YYYY-MM-DD`; a timestamp (`2026-06-01T00:00:00Z`, or with the platform's
      // offset) is read as its day: the seed shows no row, and an unmatched date was a zero.
      const rows = data.flatMap((r: unknown) => {
        const date = (r as AnalyticsRow | null)?.date;
        const day = typeof date === 'string' ? /^\d{4}-\d{2}-\d{2}(?=$|[T ])/.exec(date)?.[0] : undefined;
        return day && typeof r === 'object' ? [{ ...(r as AnalyticsRow), date: day }] : [];
      });
      if (rows.length < data.length) throw new AnalyticsError(502, 'The analytics API sent rows without a date.');
      return { data: rows, next: typeof meta.next_cursor === 'string' ? meta.next_cursor : null };
    }
  };

  const fetchRange = async (endpoint: AnalyticsEndpoint, from: string, to: string): Promise<AnalyticsRow[]> => {
    const path = options.paths[endpoint].replace('{project_id}', encodeURIComponent(options.projectId));
    const rows: AnalyticsRow[] = [];
    let cursor: string | null = null;
    const cursors = new Set<string>();
    for (let page = 0; page < 1000; page++) {
      const url = new URL(`${base}${path}`);
      url.searchParams.set('from', from);
      url.searchParams.set('to', to);
      url.searchParams.set('limit', String(MAX_ANALYTICS_LIMIT));
      if (cursor) url.searchParams.set(cursorParam(endpoint), cursor);
      const { data, next } = await get(url);
      rows.push(...data);
      if (!next) {
        const fields = ANALYTICS_FIELDS[endpoint];
        if (rows.length > 0 && !rows.some((r) => fields.some((f) => f in r)))
          throw new AnalyticsError(502, `The analytics API's rows lack the expected fields (${fields.join(', ')}).`);
        return rows;
      }
      // The same cursor again would page forever (and spend the PAT's shared allowance).
      if (cursors.has(next)) throw new AnalyticsError(502, 'The analytics API repeated a page cursor; stopped paging.');
      cursors.add(next);
      cursor = next;
    }
    throw new AnalyticsError(0, 'The analytics API kept paging; stopped after 1000 pages.');
  };

  return {
    get requests() {
      return requests;
    },
    get cachedDays() {
      let n = 0;
      for (const m of cache.values()) n += m.size;
      return n;
    },
    async daily(endpoint, from, to) {
      const start = Date.parse(`${from}T00:00:00Z`);
      const end = Date.parse(`${to}T00:00:00Z`);
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) throw new AnalyticsError(400, 'Invalid params: from, to');
      // Yesterday and today (and later) are never kept: see the header.
      const open = Math.floor(now() / DAY_MS) * DAY_MS - DAY_MS;
      const days = cache.get(endpoint) ?? new Map<string, AnalyticsRow>();
      cache.set(endpoint, days);
      // The first day that is not cached: fetch from there.
      let firstMissing = end;
      for (let d = start; d < end; d += DAY_MS) {
        if (d >= open || !days.has(isoDay(d))) {
          firstMissing = d;
          break;
        }
      }
      if (firstMissing < end) {
        // Yesterday's and today's rows are kept for this answer only and dropped below, so they are refetched.
        for (const row of await fetchRange(endpoint, isoDay(firstMissing), to)) {
          days.delete(row.date); // re-inserted last: the Map's order is least recently fetched first
          days.set(row.date, row);
        }
      }
      const out: AnalyticsRow[] = [];
      const zero = Object.fromEntries(ANALYTICS_FIELDS[endpoint].map((f) => [f, f === 'avg_score' ? null : 0]));
      for (let d = start; d < end; d += DAY_MS) {
        const date = isoDay(d);
        out.push(days.get(date) ?? { date, ...zero });
        if (d >= open) days.delete(date);
      }
      // Bounded: at most MAX_CACHED_DAYS per endpoint, the least recently fetched go first.
      for (const date of days.keys()) {
        if (days.size <= MAX_CACHED_DAYS) break;
        days.delete(date);
      }
      return out;
    },
  };
}
