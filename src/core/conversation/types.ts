import type { Chunk, ImageRef, OutgoingData, SelectOption } from '../protocol/types.js';
import type { DeltaUnit, LiveText } from '../delta/types.js';
import type { NoticeCode, WarningCode } from './codes.js';

export type { NoticeCode, WarningCode } from './codes.js';

/**
 * The conversation as the element renders it: immutable plain data (plus the immutable
 * LiveText of generations), produced only by `reduce(transcript, event)`.
 * Ids are assigned from `nextId`; times come from the events (the clock is injected).
 */
export interface Transcript {
  readonly messages: readonly Message[];
  /**
   * `idle`: nothing in flight. `waiting`: a request is out, no content yet (show typing).
   * `streaming`: bot content is arriving (typing hidden once the first block exists).
   */
  readonly status: 'idle' | 'waiting' | 'streaming';
  /** Shown under the transcript; `retry` means the element offers a retry button. */
  readonly notice: Notice | null;
  /** Recoverable problems, oldest first, capped (the element fires indigo-chat-warning for new ones). */
  readonly warnings: readonly Warning[];
  /** Total warnings ever added, so a consumer can tell new ones from old after capping. */
  readonly warningCount: number;
  readonly nextId: number;
  readonly deltaUnit: DeltaUnit;
  /**
   * Caps from `TranscriptOptions`, kept here so `reduce(t, e)` stays a two-argument pure
   * function. Absent: the defaults.
   */
  readonly limits?: TranscriptLimits;
  /** The reducer's bookkeeping for the request in flight. Not for rendering. Absent: idle. */
  readonly turn?: TurnState;
}

export interface TranscriptLimits {
  /** Markdown + HTML characters of one reply (everything answering one send). */
  readonly maxReplyChars: number;
  /** Characters shown in one bot message. */
  readonly maxMessageChars: number;
  readonly maxCards: number;
  /** Per quick-replies block and per card. */
  readonly maxActions: number;
  readonly maxWarnings: number;
  /** Blocks in one bot message (stops a flood of empty chunks growing arrays forever). */
  readonly maxBlocks: number;
}

/** Reducer-internal state of the current request/answer. Plain data, replaced per event. */
export interface TurnState {
  /** What the last `send` carried (what retry sends again); null before any send. */
  readonly sent: OutgoingData | null;
  /** The visible user message of the last send (profile sends have none). */
  readonly userMessageId: string | null;
  /** A request is out or an answer is streaming: EOF/timeout/abort have something to finalise. */
  readonly inFlight: boolean;
  /** `processing.end` (or a finalisation) was seen: late content is ignored until a new turn. */
  readonly closed: boolean;
  /** Anything (processing.start, content, error) arrived since the last send. */
  readonly received: boolean;
  /** The relay reported an upstream error for this answer: finalise as incomplete. */
  readonly errored: boolean;
  /** Markdown + HTML characters of this reply so far (for `maxReplyChars`). */
  readonly replyChars: number;
  /** Characters shown in the open bot message so far (for `maxMessageChars`). */
  readonly messageChars: number;
  /** Block ids of generations that got `generation.end` (a degraded one keeps its state). */
  readonly endedGenerations: readonly string[];
  /** Block ids of generations whose rendering an `is_generated` text already replaced. */
  readonly replacedGenerations: readonly string[];
  /**
   * Keys of warnings already given in this turn, so a flood of bad chunks warns once; and
   * `cap:<block id>` for each generation a cap refused a chunk of (its later deltas are ignored).
   */
  readonly warned: readonly string[];
}

export interface Notice {
  /** The notice's category (styling, what retry means); `code` says which notice it is. */
  readonly kind: 'send-failed' | 'incomplete' | 'timeout' | 'error' | 'offline';
  /** Which notice: the element shows the localized text for it (see codes.ts). */
  readonly code: NoticeCode;
  /** English text (`NOTICE_TEXT[code]`), or the relay's own message for `relay-error`. */
  readonly message: string;
  /** What to send again when the visitor presses retry (absent: no retry offered). */
  readonly retry?: OutgoingData;
  /** `rate-limited`: seconds the relay asked to wait, as of the notice (not saved). */
  readonly retryAfter?: number;
}

export interface Warning {
  readonly code: WarningCode;
  readonly message: string;
  readonly at: number;
}

export type Message = UserMessage | BotMessage;

export interface UserMessage {
  readonly id: string;
  readonly role: 'user';
  /** What the visitor sees: the text typed or the button's label. */
  readonly text: string;
  readonly data: OutgoingData;
  readonly status: 'sent' | 'failed';
  readonly at: number;
}

export interface BotMessage {
  readonly id: string;
  readonly role: 'bot';
  readonly blocks: readonly Block[];
  /** `incomplete`: finalised without processing.end (EOF, timeout, abort, error). */
  readonly state: 'streaming' | 'done' | 'incomplete';
  /** The visitor stopped this answer (state `incomplete`): what was shown stays. */
  readonly stopped?: true;
  readonly at: number;
}

export type Block =
  | TextBlock
  | ImageBlock
  | VideoBlock
  | ActionsBlock
  | CarouselBlock
  | GenerationBlock
  | AudioBlock
  | FileBlock
  | LocationBlock
  | SelectBlock;

/** Protocol extension (docs/decisions/protocol-extensions.md): an audio clip. */
export interface AudioBlock {
  readonly kind: 'audio';
  readonly id: string;
  readonly src: string;
  readonly title: string;
}

/** Protocol extension: a file to download. */
export interface FileBlock {
  readonly kind: 'file';
  readonly id: string;
  readonly url: string;
  /** Shown; the URL's last path segment when the platform gives none. */
  readonly name: string;
  /** `''` when unknown. */
  readonly mimeType: string;
  /** Bytes, or null when unknown. */
  readonly size: number | null;
}

/** Protocol extension: a place with a link to a map. */
export interface LocationBlock {
  readonly kind: 'location';
  readonly id: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly title: string;
  readonly address: string;
}

/** Protocol extension: a dropdown whose chosen option is sent like a quick reply. */
export interface SelectBlock {
  readonly kind: 'select';
  readonly id: string;
  readonly label: string;
  readonly options: readonly SelectOption[];
}

export interface TextBlock {
  readonly kind: 'text';
  readonly id: string;
  /** Unsanitised HTML from the platform; the view sanitises. */
  readonly html: string;
  readonly caption: boolean;
  readonly generated: boolean;
}

export interface ImageBlock {
  readonly kind: 'image';
  readonly id: string;
  readonly src: string;
  readonly alt: string;
}

export interface VideoBlock {
  readonly kind: 'video';
  readonly id: string;
  readonly src: string;
  readonly alt: string;
}

export type Action =
  | { readonly type: 'button'; readonly label: string; readonly payload: string }
  | { readonly type: 'link'; readonly label: string; readonly url: string };

/** Consecutive `button`/`link` chunks of one turn: a quick-replies block. */
export interface ActionsBlock {
  readonly kind: 'actions';
  readonly id: string;
  readonly actions: readonly Action[];
}

export interface Card {
  readonly index: number;
  readonly title: string;
  readonly description: string;
  readonly image: ImageRef | null;
  readonly actions: readonly Action[];
  readonly state: 'streaming' | 'done';
}

export interface CarouselBlock {
  readonly kind: 'carousel';
  readonly id: string;
  readonly carouselId: string;
  readonly cards: readonly Card[];
  readonly state: 'streaming' | 'done';
}

export interface GenerationBlock {
  readonly kind: 'generation';
  readonly id: string;
  readonly generationId: string;
  /**
   * The model's text (markdown): every `generation.chunk`'s `chunk` appended, whatever
   * happened to the deltas. Shown as plain text once the generation degraded.
   */
  readonly markdown: string;
  /** The current HTML (unsanitised); `String(live)` or `generationHtml(block)`. */
  readonly live: LiveText;
  /**
   * `degraded`: a delta was invalid; the view shows `markdown` as plain text (escaped, paragraphs and
   * line breaks kept) and further deltas are ignored.
   */
  readonly state: 'streaming' | 'done' | 'degraded';
  readonly degradedReason?: string;
}

/** Everything that can happen to a conversation. `at` is the injected clock (ms). */
export type ConversationEvent =
  | { readonly type: 'chunk'; readonly chunk: Chunk; readonly at: number }
  /** The visitor sent something (text typed, button clicked, profile set). */
  | {
      readonly type: 'send';
      readonly data: OutgoingData;
      readonly at: number;
      /** No visible user message (e.g. the welcome `init` payload); retry and failure still apply. */
      readonly silent?: boolean;
    }
  /** The request for the last send failed before any chunk (network, 4xx/5xx, text/html). */
  | {
      readonly type: 'send-failed';
      readonly message: string;
      readonly at: number;
      /** Seconds the relay asked to wait (`Retry-After`): the notice says when to try again. */
      readonly retryAfter?: number | undefined;
    }
  /** The response body ended (EOF). Finalises an answer that had no processing.end. */
  | { readonly type: 'stream-ended'; readonly at: number }
  /**
   * The stream was cancelled (new send, restart, page leaving). `reason: 'stopped'`: the
   * visitor pressed Stop; the answer is kept and marked `stopped`, and no notice shows.
   */
  | { readonly type: 'stream-aborted'; readonly at: number; readonly reason?: 'stopped' }
  /** No first byte in 25 s, or 45 s idle (src/transport/transport.ts DEFAULT_TIMEOUTS). */
  | { readonly type: 'stream-timeout'; readonly at: number }
  /** Browser went offline/online. */
  | { readonly type: 'connectivity'; readonly online: boolean; readonly at: number };
