/**
 * indigo-chat-widget: the npm entry. Side-effect free: importing it defines no element
 * and touches no `window`/`document`, so it can be imported during SSR.
 * Register the tag with `indigo-chat-widget/define` (or `defineIndigoChat()` from there).
 */
export { IndigoChat, parseOrigins } from './components/indigo-chat/indigo-chat.js';
export type { ChatMode } from './components/indigo-chat/indigo-chat.js';
export { stringsFor } from './components/indigo-chat/strings.js';
export type { ChatStrings } from './components/indigo-chat/strings.js';
export {
  IndigoChatReadyEvent,
  IndigoChatOpenEvent,
  IndigoChatCloseEvent,
  IndigoChatMessageEvent,
  IndigoChatErrorEvent,
  IndigoChatWarningEvent,
} from './events/index.js';
export type { IndigoChatMessageDetail, IndigoChatErrorDetail } from './events/index.js';
export type { StorageKind } from './controllers/persistence-controller.js';
export type { Timeouts } from './transport/transport.js';
export type {
  Transcript,
  Message,
  UserMessage,
  BotMessage,
  Block,
  Warning,
  WarningCode,
  Notice,
  NoticeCode,
  OutgoingData,
  DeltaUnit,
} from './core/index.js';
