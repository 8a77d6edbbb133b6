/**
 * indigo-chat-widget/relay/worker: the relay as a Cloudflare Worker (module syntax),
 * configured by the Worker's bindings (the same names as the Node env variables:
 * INDIGO_PAT and RELAY_SECRET as secrets, the rest as vars). Tested under workerd.
 *
 *   // wrangler.toml: main = "node_modules/indigo-chat-widget/dist/relay-worker.js"
 *   // or, in your own Worker: export { default } from 'indigo-chat-widget/relay/worker';
 *
 * Counters live in each isolate's memory (bounded); see the README for shared state on
 * the edge. The client IP is Cloudflare's `cf-connecting-ip`.
 */
import { createRelay, RelayConfigError, type MountedRelayHandler } from './handler.js';
import { relayConfigFromEnv } from './env.js';

/** The Worker's bindings: strings are read, anything else (KV, Durable Objects) is ignored. */
export type WorkerEnv = Record<string, unknown>;

const JSON_TYPE = 'application/json; charset=utf-8';

function strings(env: WorkerEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The part of a Worker's `ExecutionContext` the relay uses. */
export interface WorkerContext {
  waitUntil(work: Promise<unknown>): void;
}

/** A Worker `{ fetch }` object; `createWorker()` is what the default export is made of. */
export function createWorker(): { fetch(request: Request, env: WorkerEnv, ctx?: WorkerContext): Promise<Response> } {
  let relay: MountedRelayHandler | undefined;
  let builtFor: WorkerEnv | undefined;
  return {
    async fetch(request, env, ctx) {
      if (new URL(request.url).pathname === '/healthz')
        return new Response('{"status":"ok"}', {
          headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
        });
      if (!relay || builtFor !== env) {
        try {
          relay = createRelay(relayConfigFromEnv(strings(env)));
          builtFor = env;
        } catch (error) {
          // The message names the missing binding, never a value.
          const message = error instanceof RelayConfigError ? error.message : 'The relay is misconfigured.';
          console.error(`relay: ${message}`);
          return new Response(JSON.stringify({ error: { code: 'relay_misconfigured', message } }), {
            status: 500,
            headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
          });
        }
      }
      // The feedback webhook has no timer here: its deliveries and retries run in waitUntil,
      // with this isolate's requests (feedback is kept in the isolate's memory).
      return relay(request, {
        ip: request.headers.get('cf-connecting-ip') ?? undefined,
        ...(ctx ? { waitUntil: (work: Promise<unknown>) => ctx.waitUntil(work) } : {}),
      });
    },
  };
}

export default createWorker();
