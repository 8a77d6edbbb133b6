/**
 * What startRelayServer adds around the relay for production: the store (REDIS_URL),
 * logs (LOG_LEVEL), metrics (RELAY_METRICS / RELAY_METRICS_PORT), /healthz, /readyz and
 * the graceful drain (RELAY_DRAIN_MS). Everything here is read from env once.
 */
import { once, setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RelayConfigError, wholeNumber } from './config-error.js';
import type { MountedRelayHandler, RelayConfig, RelayLog } from './handler.js';
import { instrumentRelay, type InstrumentedRelay } from './observe.js';
import {
  createJsonLog,
  createRelayMetrics,
  logLevel,
  metricsSwitch,
  positiveMs,
  storeFromEnv,
  withLevel,
  type RelayMetrics,
} from './ops.js';

type Env = Record<string, string | undefined>;

export interface Production {
  readonly log: RelayLog;
  readonly metrics: RelayMetrics | null;
  /** Merged into the relay's config: the shared store and the shutdown signal. */
  readonly relayOptions: Pick<RelayConfig, 'store' | 'shutdownSignal'>;
  /** Adds the request log line and metrics around the relay handler. */
  wrap(relay: MountedRelayHandler): MountedRelayHandler;
  /** Answers /healthz, /readyz, /metrics, and 503 while draining; false: not handled. */
  serveOps(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Resolves once the shared store is connected (or after 2 s; the fallback covers it). */
  readonly storeConnected: Promise<boolean>;
  /** With RELAY_METRICS_PORT: serves /metrics there and returns its URL. */
  listenMetrics(host: string): Promise<string | undefined>;
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Listens, or rejects with one line an owner can act on (the port taken, no permission, an
 * address this machine does not have) instead of a bare `listen EADDRINUSE`. `setting` names
 * what chose the port, e.g. `PORT or --port`.
 */
export async function listenOrExplain(server: http.Server, port: number, host: string, setting: string): Promise<void> {
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new RelayConfigError(
        `Port ${port} on ${host} is already in use (another relay or npm start?): stop that process, or choose another port with ${setting} (0 picks a free one).`,
      );
    if (code === 'EACCES')
      throw new RelayConfigError(
        `Port ${port} on ${host} needs privileges this process does not have: choose a port above 1023 with ${setting}.`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new RelayConfigError(`${host} is not an address of this machine: set HOST or --host to one (127.0.0.1, or 0.0.0.0 for all).`);
    throw error;
  }
}

const DRAIN_RETRY_AFTER_S = 2;
const JSON_TYPE = 'application/json; charset=utf-8';

function pathOnly(req: http.IncomingMessage): string {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function json(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(JSON.stringify(body));
}

export function createProduction(env: Env, customLog?: RelayLog): Production {
  const level = logLevel(env.LOG_LEVEL);
  const log = customLog ? withLevel(customLog, level) : createJsonLog(level);
  const metricsPort = env.RELAY_METRICS_PORT?.trim();
  if (metricsPort) wholeNumber('RELAY_METRICS_PORT', metricsPort, 0, 65535);
  const metricsOn = metricsSwitch(env.RELAY_METRICS) || !!metricsPort;
  const metrics = metricsOn ? createRelayMetrics() : null;
  const drainMs = positiveMs(env.RELAY_DRAIN_MS, 'RELAY_DRAIN_MS', 30_000);
  const { store, connected } = storeFromEnv(env, log, () => metrics?.storeError());
  const shutdown = new AbortController();
  // Every open answer listens to it: no 'possible leak' warning past 10 streams.
  setMaxListeners(0, shutdown.signal);
  const relays: InstrumentedRelay[] = [];
  let draining = false;
  let metricsServer: http.Server | undefined;

  const active = () => relays.reduce((n, r) => n + r.activeStreams, 0);
  const idle = () => Promise.all(relays.map((r) => r.idle())).then(() => undefined);
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      setTimeout(resolve, ms).unref();
    });

  const serveMetrics = (res: http.ServerResponse) => {
    metrics!.render().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
      () => json(res, 500, { error: { code: 'metrics_failed', message: 'Metrics failed.' } }),
    );
  };

  return {
    log,
    metrics,
    relayOptions: { store, shutdownSignal: shutdown.signal },
    storeConnected: connected,
    wrap(relay) {
      const instrumented = instrumentRelay(relay, {
        ...(metrics ? { metrics: metrics.sink } : {}),
        logRequest: (line) => log('info', 'request', { ...line }),
      });
      relays.push(instrumented);
      return instrumented;
    },
    serveOps(req, res) {
      const path = pathOnly(req);
      const read = req.method === 'GET' || req.method === 'HEAD';
      if (read && path === '/healthz') {
        json(res, 200, { status: 'ok' });
        return true;
      }
      if (read && path === '/readyz') {
        if (draining) json(res, 503, { status: 'draining' });
        else
          store.ping().then(
            (ok) =>
              ok
                ? json(res, 200, { status: 'ready', store: store.kind })
                : json(res, 503, { status: 'store_unreachable', store: store.kind }),
            () => json(res, 503, { status: 'store_unreachable', store: store.kind }),
          );
        return true;
      }
      if (read && path === '/metrics' && metrics && !metricsPort) {
        serveMetrics(res);
        return true;
      }
      if (draining) {
        req.resume();
        json(
          res,
          503,
          { error: { code: 'relay_draining', message: 'The relay is restarting; try again shortly.' } },
          {
            'retry-after': String(DRAIN_RETRY_AFTER_S),
            connection: 'close',
          },
        );
        return true;
      }
      return false;
    },
    async listenMetrics(host) {
      if (!metrics || !metricsPort) return undefined;
      const server = http.createServer((req, res) => {
        if ((req.method === 'GET' || req.method === 'HEAD') && pathOnly(req) === '/metrics') serveMetrics(res);
        else json(res, 404, { error: { code: 'not_found', message: 'Not found.' } });
      });
      await listenOrExplain(server, Number(metricsPort), host, 'RELAY_METRICS_PORT');
      metricsServer = server;
      const a = server.address() as AddressInfo;
      return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics`;
    },
    async drain() {
      if (draining) return;
      draining = true;
      log('info', 'relay: draining', { activeStreams: active(), drainMs });
      await Promise.race([idle(), sleep(drainMs)]);
      const cut = active();
      if (cut > 0) {
        log('warn', 'relay: drain time is up; ending the answers still open', { activeStreams: cut });
        shutdown.abort();
        // Each open answer now sends its error chunk and processing.end, then ends.
        await Promise.race([idle(), sleep(2000)]);
      }
      log('info', 'relay: drained', { cut });
    },
    async close() {
      if (!shutdown.signal.aborted) shutdown.abort();
      await store.close();
      if (metricsServer) {
        const s = metricsServer;
        metricsServer = undefined;
        s.closeAllConnections();
        await new Promise<void>((done) => s.close(() => done()));
      }
    },
  };
}
