export type { Upstream, UpstreamAnswer, UpstreamContext, UpstreamMessage, UpstreamRefusal, UpstreamSpec, UpstreamLog } from './types.js';
export { isRefusal, refuse } from './types.js';
export { indigoUpstream, type IndigoSettings } from './indigo.js';
export { botpressUpstream, BOTPRESS_DEFAULTS, type BotpressSettings } from './botpress.js';
export { chatMessagesUpstream, CHAT_MESSAGES_DEFAULTS, type ChatMessagesSettings } from './chat-messages.js';
export { upstreamName, botpressFromEnv, chatMessagesFromEnv, UPSTREAMS, type UpstreamName } from './env.js';
