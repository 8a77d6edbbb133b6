/**
 * Node-side wiring of feedback storage and the owner console (kept out of node.ts so the
 * server stays a few lines longer, not a room bigger).
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAnalyticsPaths } from '../core/platform/analytics.js';
import type { FeedbackDetail } from '../core/platform/feedback.js';
import { createAnalyticsClient } from './console/analytics-client.js';
import { createConsoleHandler, type ConsoleHandler } from './console/handler.js';
import { createGraphqlClient } from './console/graphql-client.js';
import type { FeedbackConfig } from './feedback/route.js';
import { openRedisFeedbackStore } from './feedback/redis-store.js';
import { openSqliteFeedbackStore, sqliteInstalled } from './feedback/sqlite-store.js';
import type { FeedbackStore } from './feedback/store.js';
import { patToken, RelayConfigError, type MountedRelayHandler, type RelayLog } from './handler.js';
import { exactOrigin } from './config-error.js';
import { trustProxyHops } from './env.js';

type Env = Record<string, string | undefined>;

/** Opens the store on first use, so a relay that never gets feedback never creates a file. */
export function lazyStore(open: () => FeedbackStore): FeedbackStore {
  let store: FeedbackStore | undefined;
  const s = () => (store ??= open());
  return {
    put: (...a) => s().put(...a),
    list: (...a) => s().list(...a),
    summary: (...a) => s().summary(...a),
    prune: (...a) => s().prune(...a),
    enqueue: (...a) => s().enqueue(...a),
    claimDue: (...a) => s().claimDue(...a),
    complete: (...a) => s().complete(...a),
    retry: (...a) => s().retry(...a),
    close: async () => {
      await store?.close();
      store = undefined;
    },
  };
}

/**
 * The feedback config of a Node relay: Redis when REDIS_URL is set (every instance sees the
 * same votes and shares the webhook outbox; keys under RELAY_REDIS_PREFIX), else SQLite
 * under RELAY_DATA_DIR (default ./.indigo-relay).
 */
export function nodeFeedbackConfig(
  env: Env,
  base: FeedbackConfig | undefined,
  onStored?: (sender: string, detail: FeedbackDetail) => void,
  log?: RelayLog,
): FeedbackConfig {
  const redisUrl = env.REDIS_URL?.trim();
  // Said at start, not first at a visitor's vote (which then fails with a 500).
  if (!redisUrl && !base?.store && !sqliteInstalled())
    log?.(
      'warn',
      'relay: better-sqlite3 is not installed, so feedback votes will fail until you run `npm install better-sqlite3` (or set REDIS_URL to keep them in Redis)',
    );
  const prefix = env.RELAY_REDIS_PREFIX?.trim() || 'indigo-relay:';
  const dir = resolve(env.RELAY_DATA_DIR?.trim() || '.indigo-relay');
  const open = redisUrl ? () => openRedisFeedbackStore(redisUrl, { prefix }) : () => openSqliteFeedbackStore(dir);
  return { ...base, store: base?.store ?? lazyStore(open), ...(onStored ? { onStored } : {}) };
}

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The console when RELAY_CONSOLE_TOKEN is set, else null. */
export function nodeConsole(
  env: Env,
  relay: MountedRelayHandler,
  platform: {
    apiBase: string | undefined;
    pat: string | undefined;
    projectId: string | undefined;
    fetch?: (r: Request) => Promise<Response>;
  },
  log: RelayLog,
  assetsDir = fileURLToPath(new URL(/* @vite-ignore */ './console/', import.meta.url)),
): ConsoleHandler | null {
  const token = env.RELAY_CONSOLE_TOKEN?.trim();
  if (!token) return null;
  if (token.length < 16) throw new RelayConfigError('RELAY_CONSOLE_TOKEN must be at least 16 characters.');
  if (!platform.apiBase || !platform.pat)
    throw new RelayConfigError('The console reads the indigo platform: it needs INDIGO_PAT and INDIGO_API_BASE.');
  if (!platform.projectId)
    throw new RelayConfigError('RELAY_CONSOLE_TOKEN needs INDIGO_PROJECT_ID (the workspace id of the GraphQL and Analytics APIs).');
  let paths;
  try {
    paths = parseAnalyticsPaths(env.INDIGO_ANALYTICS_PATHS);
  } catch (error) {
    throw new RelayConfigError((error as Error).message);
  }
  const base = platform.apiBase.replace(/\/+$/, '');
  const pat = patToken(platform.pat);
  const fetch = platform.fetch ? { fetch: platform.fetch } : {};
  return createConsoleHandler({
    token,
    projectId: platform.projectId,
    graphql: createGraphqlClient({ endpoint: `${base}/graphql`, pat, ...fetch }),
    analytics: createAnalyticsClient({ base, projectId: platform.projectId, pat, paths, ...fetch }),
    feedback: relay.feedback,
    figures: relay.figures,
    ...(env.RELAY_SELF_ORIGIN?.trim() ? { selfOrigin: exactOrigin('RELAY_SELF_ORIGIN', env.RELAY_SELF_ORIGIN.trim()) } : {}),
    ...(env.RELAY_TRUST_PROXY?.trim() ? { trustProxy: trustProxyHops(env.RELAY_TRUST_PROXY.trim()) } : {}),
    log,
    async readAsset(name) {
      try {
        const body = await readFile(resolve(assetsDir, name));
        return { body: new Uint8Array(body), type: ASSET_TYPES[extname(name)] ?? 'application/octet-stream' };
      } catch {
        return null;
      }
    },
  });
}
