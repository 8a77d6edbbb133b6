/**
 * indigo-chat-widget/relay: the web-standard relay handler and its env configuration.
 * Web platform APIs only (fetch, streams, Web Crypto): runs on Node, Workers, Deno, Bun.
 */
export {
  createRelay,
  DEFAULT_RELAY_LIMITS,
  DEFAULT_LIMITS,
  RelayConfigError,
  MISSING_SECRET,
  type RelayConfig,
  type RelayHandler,
  type RelayLimits,
  type RelayLog,
  type MountedRelayHandler,
} from './handler.js';
export { relayConfigFromEnv, ENV_LIMITS } from './env.js';
export { MISSING_WEBHOOK_SECRET } from './feedback/route.js';
export {
  indigoUpstream,
  botpressUpstream,
  chatMessagesUpstream,
  isRefusal,
  refuse,
  UPSTREAMS,
  type Upstream,
  type UpstreamAnswer,
  type UpstreamContext,
  type UpstreamMessage,
  type UpstreamRefusal,
  type UpstreamSpec,
  type IndigoSettings,
  type BotpressSettings,
  type ChatMessagesSettings,
} from './upstreams/index.js';
export {
  createMemoryStore,
  createFallbackStore,
  ipKey,
  forwardedClient,
  type RelayStore,
  type WindowCount,
  type BucketTake,
} from './store.js';
export { instrumentRelay, type RelayMetricsSink, type RequestLogLine, type InstrumentedRelay } from './observe.js';
export type { RequestObserver } from './handler.js';
export { contentSecurityPolicy, securityHeaders, PERMISSIONS_POLICY, type CspOptions } from './security-headers.js';
