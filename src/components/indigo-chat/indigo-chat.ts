import { html, LitElement, nothing } from 'lit';
import type { CSSResultGroup, PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { activeActionsBlockId } from '../../core/index.js';
import { isRecord } from '../../core/guards.js';
import { skipNever } from '../../core/never.js';
import type { BotMessage, DeltaUnit, Message, Notice, Transcript, UserMessage, WarningCode } from '../../core/index.js';
import { AutoScrollController } from '../../controllers/auto-scroll-controller.js';
import { PersistenceController } from '../../controllers/persistence-controller.js';
import type { SavedState, StorageKind } from '../../controllers/persistence-controller.js';
import { keywordOf } from '../../controllers/storage.js';
import { ConversationController, MAX_TEXT_CHARS, type SendResult } from '../../controllers/conversation-controller.js';
import { ViewportController } from '../../controllers/viewport-controller.js';
import { VisibilityController } from '../../controllers/visibility-controller.js';
import {
  IndigoChatCloseEvent,
  IndigoChatErrorEvent,
  IndigoChatFeedbackEvent,
  IndigoChatMessageEvent,
  IndigoChatOpenEvent,
  IndigoChatReadyEvent,
  IndigoChatWarningEvent,
} from '../../events/index.js';
import type { FetchLike, Timeouts } from '../../transport/transport.js';
import { blockStyles, renderBotBlocks } from '../blocks/render-blocks.js';
import { adoptStyles, lazyModule, prefetchParts, retryFailedParts } from '../blocks/lazy-part.js';
import { safeUrl } from '../../html/url-policy.js';
import { ensureSanitizer, sanitizerStatus } from '../../html/sanitize.js';
import { blockStrings } from '../blocks/strings.js';
import { indigoChatStyles } from './indigo-chat.styles.js';
import { scrollbarStyles } from '../scrollbars.styles.js';
import { focusClickedControl } from '../focus-on-click.js';
import { stringsFor } from './strings.js';
import { FeedbackBinding } from '../feedback/feedback-binding.js';
import { hasGeneratedContent, privacyStrings, privacyStyles, renderConsent, renderDisclosure, whenConsentShown } from './privacy.js';
import type { ConsentState, DeclineAction } from './privacy.js';
import type { ChatStrings } from './strings.js';
import { dirOf, isReady, loadLocale, resolveLang, visitorStringsFor } from '../i18n/locales.js';
import type { CoreVisitorStrings as VisitorStrings } from '../i18n/visitor-strings.js';
import { copyMessage, isCopyable } from './answer-part.js';
import { mayShowUnprompted } from './consent-gate.js';
import { HeaderMenu } from './header-menu.js';
import { lockPageScroll } from './page-scroll-lock.js';
import { TeaserController } from './teaser-controller.js';
import { dayLabel, dayStarts, fullDate, fullDateBuilt, inTime, relativeTime, warmTimeFormat } from './time-format.js';
import type { TranscriptFormat } from './transcript-export.js';
import { VoiceController } from './voice-controller.js';
import { closeIcon } from './icons.js';
import { visitorStyles } from './visitor.styles.js';
import { FramePacer } from '../../html/frame-pacing.js';
import { afterFinalCommits } from '../../html/streaming-html.js';

export type ChatMode = 'launcher' | 'inline' | 'fullscreen';

const reflect = { reflect: true };
const dashed = (attribute: string) => ({ attribute, reflect: true });
/**
 * An enumerated attribute, read as HTML reads its own (ASCII case-insensitive, blanks
 * ignored): `consent="Required"` or `storage="None "` must not quietly mean the default.
 */
const keyword = (attribute?: string) => ({ attribute, reflect: true, converter: { fromAttribute: keywordOf } });
const internal = { state: true };

const STORAGE_KINDS: readonly string[] = ['local', 'session', 'none'];
const MODES: readonly string[] = ['launcher', 'inline', 'fullscreen'];

let instances = 0;

/** The composer's count (near the relay's text limit, `conversation.maxChars`) loads near it. */
const countPart = lazyModule('char-count', () => import('./char-count.js'), false);

/**
 * `media-origins`: origins separated by spaces or commas. `self` stands for the page's own
 * origin (a site serving its own media, like the demo). Entries that are not exactly an
 * origin (`https://host[:port]`) are ignored: a path or a typo must not widen the policy.
 */
export function parseOrigins(value: string | null | undefined): readonly string[] {
  const out: string[] = [];
  // String(): a page may set the property to an array of origins (or anything else).
  for (const token of String(value ?? '').split(/[\s,]+/)) {
    if (token === '') continue;
    if (token === 'self') {
      if (typeof location !== 'undefined' && /^https?:$/.test(location.protocol)) out.push(location.origin);
      continue;
    }
    try {
      const origin = new URL(token).origin;
      if (origin === token.replace(/\/$/, '') && /^https?:/.test(origin)) out.push(origin);
    } catch {
      // not a URL: ignored
    }
  }
  return out;
}

const chatIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
  <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
</svg>`;
const restartIcon = html`<svg
  viewBox="0 0 24 24"
  aria-hidden="true"
  fill="none"
  stroke="currentColor"
  stroke-width="2"
  stroke-linecap="round"
>
  <path d="M4 12a8 8 0 1 0 2.3-5.6M4 4v5h5" />
</svg>`;
/**
 * The core's notices are codes: show each in the element's language. The relay's own
 * error message (`relay-error`, English) is shown as it came to English visitors only.
 */
function noticeText(notice: Notice, s: ChatStrings, lang: string): string {
  switch (notice.code) {
    case 'rate-limited':
      // Restored from storage the wait is gone (not saved): the plain "could not be sent".
      return notice.retryAfter ? s.noticeRateLimited(inTime(notice.retryAfter, lang)) : s.noticeSendFailed;
    case 'send-failed':
      return s.noticeSendFailed;
    case 'no-answer':
      return s.noticeNoAnswer;
    case 'timeout':
      return s.noticeTimeout;
    case 'no-answer-in-time':
      return s.noticeTimeoutNothing;
    case 'incomplete':
      // The cut-off message already says "may be incomplete"; the notice says why.
      return s.noticeIncomplete;
    case 'error':
      return s.noticeError;
    case 'relay-error':
      // The relay's own words are English: other languages say their own "could not answer".
      return s === stringsFor('en') ? notice.message : s.noticeError;
    case 'offline':
      return s.offline;
    default:
      return skipNever(notice.code, notice.message);
  }
}

/**
 * The most the live region says of finished answers (characters). A longer answer is
 * announced up to here, cut at a word, with "…": the whole of it stays in the transcript,
 * where a screen reader reads on. A live region reading tens of kilobytes helps nobody,
 * and the browser lays out all of its text on one line: ~90 ms at the end of a 200 KB
 * answer on a 4x slower CPU (docs/decisions/streaming-throttle-end.md).
 */
export const MAX_ANNOUNCED = 4000;

/** `text` within MAX_ANNOUNCED characters, cut at a word boundary when one is near. */
export function announcedText(text: string): string {
  if (text.length <= MAX_ANNOUNCED) return text;
  const cut = text.slice(0, MAX_ANNOUNCED);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_ANNOUNCED - 200 ? cut.slice(0, space) : cut}…`;
}

/** What the live region reads for a finished answer: the message without its time, actions and thumbs. */
function spokenText(el: Element | null): string {
  if (!el) return '';
  // Up to the `.meta` row at the end (time, action buttons, thumbs: no text to say), node
  // by node (no filter callback), and only until there is more than the live region will
  // say: the end of a 200 KB answer does not walk or copy all of it. Elements too (5 =
  // SHOW_ELEMENT | SHOW_TEXT): each one's start is a space, so paragraphs and list items
  // are not read run together ("first.Second"); a tag inside a word splits it, rarer.
  // An image is said by its alt, as a screen reader reads it there. (<video>/<audio> hold
  // no fallback text to say: every browser of the floor plays them.)
  const meta = el.querySelector(':scope > .meta');
  const walker = el.ownerDocument.createTreeWalker(el, 5);
  let text = '';
  let check = MAX_ANNOUNCED;
  for (let node = walker.nextNode(); node && !meta?.contains(node); node = walker.nextNode()) {
    text += (node as Text).data ?? ` ${(node as HTMLImageElement).alt ?? ''} `;
    if (text.length > check) {
      if (text.replace(/\s+/g, ' ').trim().length > MAX_ANNOUNCED) break;
      check *= 2;
    }
  }
  return text;
}

const stopIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
  <rect x="6" y="6" width="12" height="12" rx="2" />
</svg>`;
const copyIcon = html`<svg
  viewBox="0 0 24 24"
  aria-hidden="true"
  fill="none"
  stroke="currentColor"
  stroke-width="2"
  stroke-linejoin="round"
>
  <rect x="9" y="9" width="11" height="11" rx="2" />
  <path d="M5 15V5a2 2 0 0 1 2-2h8" />
</svg>`;
const micIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
  <rect x="9" y="3" width="6" height="11" rx="3" />
  <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
</svg>`;
const sendIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
  <path d="M3 20.5l18-8.5L3 3.5v6.6l12 1.9-12 1.9z" />
</svg>`;

/**
 * A chat with an indigo.ai assistant, through a relay that holds the platform token.
 *
 * Registered as `<indigo-chat>` by `indigo-chat-widget/define` (importing the class
 * registers nothing).
 *
 * @tagname indigo-chat
 * @summary Embeddable chat: launcher bubble, inline or fullscreen panel, streaming answers.
 *
 * @fires {IndigoChatReadyEvent} indigo-chat-ready - Connected, state restored, ready for `send()`.
 * @fires {IndigoChatOpenEvent} indigo-chat-open - The launcher's panel opened.
 * @fires {IndigoChatCloseEvent} indigo-chat-close - The launcher's panel closed.
 * @fires {IndigoChatMessageEvent} indigo-chat-message - `detail: {message, direction}`: a visitor message sent (`out`), a bot answer finished (`in`).
 * @fires {IndigoChatErrorEvent} indigo-chat-error - `detail: {code, message}`: a send failed, timed out, or the session could not start.
 * @fires {IndigoChatFeedbackEvent} indigo-chat-feedback - `detail: {kind: 'thumbs'|'csat', value, reasons, comment, messageId}`: the visitor rated an answer (`up`/`down`, reasons and comment after a thumbs-down) or the conversation (CSAT 1–5). Also sent to `POST {relay}/feedback`.
 * @fires {IndigoChatWarningEvent} indigo-chat-warning - `detail`: a core Warning (degraded generation, ignored chunk, refused URL, cap reached).
 *
 * @csspart launcher - The round button that opens the panel.
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The chat window.
 * @csspart header - The panel's header bar.
 * @csspart avatar - The assistant's picture in the header.
 * @csspart title - The header title.
 * @csspart subtitle - The header subtitle.
 * @csspart restart - The "new conversation" button.
 * @csspart close - The close button (launcher mode).
 * @csspart transcript - The scrolling list of messages.
 * @csspart message - Every message; also carries `message-user` or `message-bot`.
 * @csspart message-user - A visitor message.
 * @csspart message-bot - An assistant message.
 * @csspart bubble - A bot text or generated (LLM) answer bubble.
 * @csspart caption - A caption: a smaller line under the bot's message.
 * @csspart plain-text-notice - Under an answer whose formatting broke mid-stream: it is shown as plain text.
 * @csspart quick-replies - The group of a bot turn's quick-reply buttons and links.
 * @csspart button - A quick-reply or card button (sends its payload).
 * @csspart link - A link, call (`tel:`) or mail (`mailto:`) action.
 * @csspart image - An image in a bot message.
 * @csspart video - A video: `<video controls>` for files, a click-to-load box for YouTube/Vimeo.
 * @csspart carousel - A horizontal strip of cards.
 * @csspart carousel-prev - The carousel's previous-card button.
 * @csspart carousel-next - The carousel's next-card button.
 * @csspart card - One card of a carousel.
 * @csspart card-image - A card's picture.
 * @csspart card-title - A card's title.
 * @csspart card-description - A card's description.
 * @csspart audio - An audio clip: `<audio controls preload="none">` (Botpress and other non-indigo platforms).
 * @csspart file - A file link with its name, type and size (`download` only for same-origin files).
 * @csspart location - A place: title, address and a map link (nothing loads before the click).
 * @csspart select - The native `<select>` of a dropdown; its send button is part `button`.
 * @csspart feedback - The group of thumbs (and reasons) under a finished answer.
 * @csspart thumb-up - The "helpful" button (`aria-pressed` when chosen).
 * @csspart thumb-down - The "not helpful" button (`aria-pressed` when chosen).
 * @csspart feedback-reason - A reason chip after a thumbs-down (wrong, not helpful, unsafe, other).
 * @csspart feedback-comment - The optional comment box (thumbs-down and CSAT).
 * @csspart csat - The end-of-conversation rating card.
 * @csspart csat-score - A 1–5 score button of the CSAT card.
 * @csspart typing - The typing indicator.
 * @csspart jump - The "jump to latest" button.
 * @csspart notice - A status line (failed send, timeout, offline).
 * @csspart retry - The retry button inside the notice.
 * @csspart composer - The message form.
 * @csspart input - The message textarea.
 * @csspart char-count - Above the composer near its 4,000-character limit: what is left, or too many (class `over`).
 * @csspart send - The send button.
 * @csspart stop - Replaces the send button while an answer streams: stops it (Escape in the composer too).
 * @csspart copy - Copies a finished bot answer (plain text and sanitized HTML).
 * @csspart time - A message's time: relative on hover/focus, the full date for screen readers.
 * @csspart day - A day separator (conversations spanning several days).
 * @csspart menu - The header's menu button.
 * @csspart download - A menu item downloading the transcript (`data-format="txt"` or `"html"`).
 * @csspart teaser - The proactive bubble beside the closed launcher (`teaser` attribute).
 * @csspart teaser-close - The teaser's dismiss button.
 * @csspart mic - Voice input (only where the browser has the Web Speech API).
 * @csspart blocked-media - An image in bot HTML from an origin nobody allowed: a click-to-load placeholder naming its host (its button loads it).
 * @csspart disclosure - The line at the start of every conversation saying the visitor talks to an AI assistant.
 * @csspart consent - The consent notice shown before anything is sent or stored (`consent="required"`).
 * @csspart consent-accept - The consent notice's Accept button.
 * @csspart consent-decline - The consent notice's Decline button.
 *
 * @cssprop --indigo-chat-accent - Brand colour (launcher, header, visitor bubbles).
 * @cssprop --indigo-chat-on-accent - Text and icons on the brand colour (default: white or near-black, whichever reads on it).
 * @cssprop --indigo-chat-surface - Panel background.
 * @cssprop --indigo-chat-text - Text colour.
 * @cssprop --indigo-chat-radius - Corner radius of panel and bubbles.
 * @cssprop --indigo-chat-font - Font family.
 * @cssprop --indigo-chat-z-index - Stacking order of the launcher and fullscreen panel.
 * @cssprop --indigo-chat-width - Launcher panel width.
 * @cssprop --indigo-chat-height - Launcher panel height, inline element height.
 */
export class IndigoChat extends LitElement {
  // Static members as getters: Rolldown writes a static field as a class static block, which
  // Safari parses only from 16.4 (docs/decisions/browser-floor.md).
  /** `id` too: the conversation is stored per relay and id (another id, another conversation). */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'id'];
  }

  static override get styles(): CSSResultGroup {
    return [indigoChatStyles, blockStyles, scrollbarStyles, visitorStyles, privacyStyles];
  }

  /**
   * The reactive properties (static, not decorators: smaller in the bundle). Every public
   * one reflects; `attribute` names the dashed ones; the private ones are internal state.
   */
  static override get properties(): PropertyDeclarations {
    return {
      relay: reflect,
      mode: keyword(),
      open: { type: Boolean, reflect: true },
      title: reflect,
      subtitle: reflect,
      avatar: reflect,
      welcome: reflect,
      source: reflect,
      lang: reflect,
      teaser: reflect,
      teaserDelay: { attribute: 'teaser-delay', type: Number, reflect: true },
      deltaUnit: keyword('delta-unit'),
      storage: keyword(),
      position: keyword(),
      mediaOrigins: dashed('media-origins'),
      csat: reflect,
      consent: keyword(),
      consentText: dashed('consent-text'),
      privacyUrl: dashed('privacy-url'),
      declineAction: keyword('decline-action'),
      disclosure: reflect,
      unread: internal,
      offline: internal,
      announcement: internal,
      consentGiven: internal,
      consentDeclined: internal,
      restoreFailed: internal,
      counted: internal,
      typed: internal,
    };
  }

  /** Relay URL: `POST {relay}/session` and `POST {relay}`. */
  relay = '/api/chat';
  /** `launcher` (a bubble opening a panel), `inline` (fills its box) or `fullscreen`. */
  mode: ChatMode = 'launcher';
  /** Launcher mode: the panel is shown. */
  open = false;
  /**
   * Header title. It is the native `title` attribute too: the shadow root's wrapper carries
   * an empty `title` so the browser does not show it as a tooltip over the whole widget.
   */
  override title = ''; // the public `title` attribute (README); tooltip handled above
  subtitle = '';
  /**
   * Assistant picture: an `https:` URL, or one on the page's own origin or a
   * `media-origins` origin (relative URLs resolve against the page). Anything else
   * (`data:`, `javascript:`, plain `http:` elsewhere) shows no picture.
   */
  avatar = '';
  /** Payload sent (hidden) to start a conversation. */
  welcome = 'init';
  /** Informational: the relay's configuration decides the real source. */
  source = 'web';
  /**
   * `en`, `it`, `fr`, `de`, `es`, `ar`, `he` (region subtags accepted: `fr-CA`), or `auto`
   * for the visitor's first supported language in `navigator.languages`. Anything else
   * falls back to English. Arabic and Hebrew lay the panel out right to left. Languages
   * other than English and Italian load on demand (English shows until they arrive).
   */
  override lang = 'en'; // the public `lang` attribute means what the native one does
  /**
   * Launcher mode: a small bubble beside the closed launcher with this text, at most once
   * per visitor per day, after `teaser-delay`. Present but empty: the welcome's first text
   * (the conversation starts in the background). Never before consent when consent is
   * required; never takes focus.
   */
  teaser: string | null = null;
  /** Milliseconds before the teaser shows (default 0). */
  teaserDelay = 0;
  /** How the platform counts generation deltas: `grapheme` (default), `codepoint` or `utf16`. */
  deltaUnit: DeltaUnit = 'grapheme';
  /**
   * Where transcript, sender and open state survive reloads: `local` (default), `session`
   * or `none`. The key is the relay URL plus the element's `id`: give each instance on a
   * page its own `id`. Two instances with the same key (e.g. two without an `id`): the
   * first connected one stores; the other keeps its conversation in memory only (and
   * warns), so they never restore or overwrite each other's conversation.
   */
  storage: StorageKind = 'local';
  /** Launcher corner: `right` (default) or `left`. */
  position: 'right' | 'left' = 'right';
  /**
   * Extra origins allowed for images and videos, space or comma separated (`self`: the
   * page's origin). Images in bot HTML load on render only from the page's, the relay's,
   * the platform's (announced by the relay) and these origins; others wait for a click.
   * `*` lets images in bot HTML load from any origin: the owner's risk (LLM answers can be
   * steered into leaking the conversation through an image URL).
   */
  mediaOrigins = '';
  /**
   * End-of-conversation satisfaction survey (off when absent). Present: once per
   * conversation, after at least N answers (`csat="3"`; empty or another value: 2), when
   * the visitor closes the panel or is idle for a minute, ask for a 1–5 score.
   */
  csat: string | null = null;
  /**
   * `required`: the panel first shows a consent notice (`consent-text`, `privacy-url`)
   * with Accept/Decline; nothing is sent or stored before Accept. The choice is
   * remembered only after Accept.
   */
  consent = '';
  /** The consent notice's text (default: a short localized notice). */
  consentText = '';
  /** Link to the owner's privacy policy, shown in the consent notice. */
  privacyUrl = '';
  /**
   * What Decline does: `memory` (default) keeps the chat usable with nothing stored on
   * the device; `close` closes the launcher's panel (the notice shows again on the next
   * open; inline and fullscreen keep showing the notice).
   */
  declineAction: DeclineAction = 'memory';
  /**
   * The AI disclosure line at the start of every conversation: empty for the localized
   * default ("You're chatting with an AI assistant…"), a text of the owner's, or `off`
   * when the site discloses it elsewhere.
   */
  disclosure = '';

  /**
   * Not part of the public contract: first-byte and idle timeouts (tests, slow backends).
   * @internal
   */
  timeouts: Partial<Timeouts> | undefined;
  /**
   * Not part of the public contract: a fetch replacement (in-page transports, benchmarks).
   * @internal
   */
  fetchImpl: FetchLike | undefined;

  private unread = 0;
  private offline = false;
  private announcement = '';
  /** The visitor accepted the consent notice (this page, or remembered from an earlier one). */
  private consentGiven = false;
  /** The visitor declined it (memory-only chat, or closed). */
  private consentDeclined = false;

  get #inputEl(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('[part~="input"]');
  }
  get #launcherEl(): HTMLButtonElement | null {
    return this.renderRoot.querySelector('[part~="launcher"]');
  }

  // The controllers are ES private fields, created in this order (the order of their host
  // callbacks): native fields are set before any TS-assigned one, so the first one is
  // `#conversation`, read through a getter.
  readonly #conversation: ConversationController = new ConversationController(this, {
    onTranscript: (prev, next) => this.#onTranscript(prev, next),
    onError: (code, message) => this.#emit(new IndigoChatErrorEvent({ code, message })),
    onSender: () => this.#persistence.schedule(false),
  });
  /**
   * @internal
   * @deprecated Renamed `conversation`: it is the conversation controller, not a relay session.
   */
  get session(): ConversationController {
    return this.conversation; // the alias reads the public getter (public-api.test.ts)
  }
  /** @internal The conversation: transcript, sender, the request in flight (tests, benchmarks). */
  get conversation(): ConversationController {
    return this.#conversation;
  }
  readonly #persistence = new PersistenceController(
    this,
    () => ({
      transcript: this.#conversation.transcript,
      sender: this.#conversation.sender,
      open: this.open,
      // A message still waiting behind an answer is not lost with the page: the next page
      // has it in the composer, to send again (the answer it waited for ends there).
      draft: [...this.#conversation.queued.map((q) => (q.hidden || q.data.type !== 'text' ? '' : q.data.text)), this.#draft]
        .filter(Boolean)
        .join('\n'),
      consent: this.consentGiven,
      mediaOrigins: this.#conversation.mediaOrigins,
      maxChars: this.#conversation.maxChars,
      unread: this.unread,
    }),
    (saved) => this.#fromOtherTab(saved),
  );
  readonly #visibility = new VisibilityController(this);
  readonly #scroller = new AutoScrollController(this);
  /** @internal Idle time before CSAT is asked (tests shorten it). */
  csatIdleMs = 60_000;
  /** Thumbs and CSAT (src/components/feedback/): the element's properties, and these. */
  readonly #feedback = new FeedbackBinding(this, {
    storageKey: () => this.#persistence.key,
    // Votes are stored as the conversation is: after consent, and by the one owner of the key.
    mayStore: () => this.mayStore && this.#persistence.owns(),
    ownsKey: () => this.#persistence.owns(),
    uid: () => this.#uid,
    onFeedback: (detail) => this.#emit(new IndigoChatFeedbackEvent(detail)),
    announce: (text) => this.#panelShown && this.#announce(text),
  });
  readonly #viewport = new ViewportController(this);
  // The teaser never shows before consent when consent is required.
  readonly #teaserCtl = new TeaserController(this, () => mayShowUnprompted(this.getAttribute('consent'), this.consentGiven));
  readonly #voice = new VoiceController(this);
  readonly #menu = new HeaderMenu(this);
  #unlockScroll: (() => void) | null = null;
  #teaserAnnounced = false;
  #escapeHandled = false;
  #prefetched = false;
  /** show() or toggle() opened the panel since the last render. */
  #called = false;
  #dayCache: { n: number; first: number; starts: Set<number> } = { n: 0, first: 0, starts: new Set() };

  readonly #uid = `indigo-chat-${++instances}`;
  #originsKey: string | null = null;
  #originsValue: readonly string[] = [];
  #restored = false;
  /** The relay and id the conversation belongs to (read from storage under them). */
  #identity: readonly [relay: string, id: string] = ['', ''];
  /** The `storage` it is kept in (another, once connected: it moves there). */
  #storedIn: StorageKind = 'local';
  /** A saved conversation is being read (its code loading): renders and calls wait. */
  #restoring: Promise<void> | null = null;
  /** The saved conversation could not be read (its code did not load): memory only. */
  private restoreFailed = false;
  #toAnnounce: string[] = [];
  /** Something was given to the live region that it has not rendered yet. */
  #sayPending = false;
  #draft = '';
  /** The conversation has been on screen on this page: videos may preload (BlockContext.shown). */
  #shown = false;
  /** The draft's characters once it nears the limit (null below): the count shows. */
  private counted: number | null = null;
  /**
   * The draft has a letter: the composer takes its direction from it (`dir="auto"`, a Hebrew
   * message in an English widget reads right to left). Before, the interface's: `auto` with
   * no letter in it (empty, digits, spaces) is left to right in every engine, the placeholder
   * of an Arabic one too, and the caret would jump left on a first digit.
   */
  private typed = false;
  /** The focused control before a render; the status line (offline, error) shown, and last said. */
  #focused?: Element | null;
  #status = '';
  #said = '';

  /**
   * `media-origins` parsed, memoised on the attribute's text: the same array for as long as
   * it is unchanged, so renders (one per frame while streaming) neither re-parse it nor
   * hand the blocks a new identity each time.
   */
  private get origins(): readonly string[] {
    if (this.mediaOrigins !== this.#originsKey) {
      this.#originsKey = this.mediaOrigins;
      this.#originsValue = Object.freeze(parseOrigins(this.mediaOrigins));
    }
    return this.#originsValue;
  }

  /** Consent as the notice sees it. */
  get #consentState(): ConsentState {
    if (this.consent !== 'required') return 'not-required';
    if (this.consentGiven) return 'accepted';
    return this.consentDeclined ? 'declined' : 'pending';
  }

  /** The panel is in sight: open, or inline and fullscreen (which have no closed state). */
  get #panelShown(): boolean {
    return this.open || this.mode !== 'launcher';
  }

  /**
   * The visitor has shown the widget: the launcher's panel was opened or something was sent
   * (the page's IndigoChat.send() too), or the inline or fullscreen element came into view
   * (or a conversation was restored). Before that the widget sends nothing and loads nothing
   * of its own but its script. A teaser's welcome (`teaser=""`) fetched in the background is
   * not the visitor acting: nothing is stored for it.
   */
  get #revealed(): boolean {
    return this.mode === 'launcher'
      ? this.open || this.#conversation.transcript.messages.some((m) => m.role === 'user')
      : this.#visibility.seen;
  }

  /**
   * Persistence may write: revealed, and consent given (or not required). Declined: memory only.
   * @internal
   */
  get mayStore(): boolean {
    const c = this.#consentState;
    // Never while a saved conversation is still being read: that would write over it.
    return !this.#restoring && (c === 'not-required' || c === 'accepted') && (this.#revealed || this.#restoredConversation);
  }

  #restoredConversation = false;
  #loadKey: string | null = null;
  #loadValue: readonly string[] = [];

  /**
   * Origins images in bot HTML load from on render (html/media-gate.ts): the page's, the
   * relay's, the platform media origins the relay announced, and `media-origins`; `*` in
   * `media-origins` allows any. Memoised like `origins`.
   */
  get #loadOrigins(): readonly string[] {
    const key = `${this.mediaOrigins}|${this.relay}|${this.#conversation.mediaOrigins.join(' ')}`;
    if (key !== this.#loadKey) {
      this.#loadKey = key;
      const list: string[] = [];
      if (/(^|[\s,])\*($|[\s,])/.test(this.mediaOrigins)) list.push('*');
      if (typeof location !== 'undefined' && /^https?:$/.test(location.protocol)) list.push(location.origin);
      try {
        if (typeof document !== 'undefined') list.push(new URL(this.relay, document.baseURI).origin);
      } catch {
        // an unparsable relay URL adds nothing
      }
      list.push(...this.#conversation.mediaOrigins, ...this.origins);
      this.#loadValue = Object.freeze([...new Set(list)]);
    }
    return this.#loadValue;
  }

  /**
   * The avatar through the same media URL policy as bot images. It is the site owner's
   * setting, not bot content, so a relative URL and the page's own origin are accepted.
   */
  get #avatarSrc(): string | null {
    if (!this.avatar) return null;
    let absolute: string;
    try {
      absolute = typeof document === 'undefined' ? this.avatar : new URL(this.avatar, document.baseURI).href;
    } catch {
      return null;
    }
    const page = typeof location !== 'undefined' && /^https?:$/.test(location.protocol) ? [location.origin] : [];
    return safeUrl(absolute, 'media', { mediaOrigins: [...this.origins, ...page] });
  }

  /** The language asked for (`auto` resolved), whether or not its strings have arrived. */
  get #wantedLang(): string {
    return resolveLang(this.lang);
  }

  /** The language shown now: the wanted one once its pack is loaded, English until then. */
  get #uiLang(): string {
    const wanted = this.#wantedLang;
    return isReady(wanted) ? wanted : 'en';
  }

  override connectedCallback(): void {
    if (!this.#restored) {
      this.#restored = true;
      if (!STORAGE_KINDS.includes(this.storage)) this.storage = 'local';
      this.#checkMode();
      // Before the first render, so a reload shows the conversation at once, not a flash.
      // The code that reads it may still be loading: nothing renders or starts until then.
      this.#restore(this.#persistence.load());
    }
    super.connectedCallback();
    // Moved in the page: the modal panel and the page's scroll lock come back (updated()).
    if (this.hasUpdated) this.requestUpdate();
    this.offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    globalThis.addEventListener('online', this.#onConnectivity);
    globalThis.addEventListener('offline', this.#onConnectivity);
  }

  #restore(saved: SavedState | null | Promise<SavedState | null>): void {
    this.#identity = [this.relay, this.id];
    this.#storedIn = this.storage;
    if (saved instanceof Promise) {
      this.#restoring = saved.then((s) => {
        this.#restoring = null;
        this.#applySaved(s);
        this.requestUpdate();
      });
    } else this.#applySaved(saved);
  }

  /**
   * Set to another relay or id once connected (a framework reusing the element across
   * routes): that is another conversation. The one shown is saved under its own key and
   * ends (its answer, its queue); the new key's is restored, or the welcome starts afresh.
   */
  #rekey(): void {
    const saved = this.#persistence.rekey(...this.#identity);
    this.#feedback.reset();
    this.#conversation.reset();
    this.#conversation.mediaOrigins = Object.freeze([]);
    this.#conversation.maxChars = MAX_TEXT_CHARS;
    this.#restoredConversation = false;
    this.unread = 0;
    this.announcement = '';
    this.#measure((this.#draft = ''));
    this.#restore(saved);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'id') this.requestUpdate();
  }

  #applySaved(saved: SavedState | null): void {
    // A conversation saved without the consent this element now requires is not restored.
    if (saved && (this.consent !== 'required' || saved.consent)) {
      this.#takeConversation(saved);
      if (saved.open && this.mode === 'launcher') this.open = true;
      // Unsent text survives a reload too (saved on pagehide and disconnect).
      if (saved.draft) this.#measure((this.#draft = saved.draft));
      // The launcher shell showed this badge before the widget loaded.
      if (saved.unread && !this.open) this.unread = saved.unread;
    }
    this.restoreFailed = this.#persistence.failed;
  }

  /** The saved conversation's own parts (not this page's panel, draft or badge). */
  #takeConversation(saved: SavedState): void {
    this.consentGiven ||= saved.consent;
    this.#restoredConversation ||= saved.transcript !== null || saved.sender !== null;
    if (saved.mediaOrigins.length > 0) this.#conversation.mediaOrigins = Object.freeze([...saved.mediaOrigins]);
    if (saved.maxChars) this.#conversation.maxChars = saved.maxChars;
    if (saved.transcript) this.#conversation.restore(saved.transcript, saved.sender);
    else if (saved.sender) this.#conversation.sender = saved.sender;
  }

  /**
   * Another tab saved this conversation further (docs/decisions/two-tabs-one-conversation.md):
   * an idle chat shows it (persist-codec.ts `follows` chose it), so its next save does not
   * write the older copy back. Never mid-answer, never past a consent this tab still asks for.
   */
  #fromOtherTab(saved: SavedState): void {
    const c = this.#conversation;
    if (this.#restoring || c.inFlight || c.queued.length > 0 || (this.consent === 'required' && !saved.consent)) return;
    const other = saved.sender !== c.sender;
    this.#takeConversation(saved);
    if (other) this.#feedback.followed();
    this.requestUpdate();
  }

  /** Calls made while a saved conversation is still being read run once it is restored. */
  #afterRestore(call: () => unknown): boolean {
    if (this.#restoring) void this.#restoring.then(call);
    return this.#restoring !== null;
  }

  override disconnectedCallback(): void {
    this.#feedback.disconnected();
    this.#unlockScroll?.();
    this.#unlockScroll = null;
    // The browser takes a removed modal out of the top layer but leaves it `open`: closed
    // here (no close event), so a move in the page shows it modal again (#syncModal).
    if (this.#modal) this.renderRoot?.querySelector('dialog[part~="panel"]')?.removeAttribute('open');
    globalThis.removeEventListener('online', this.#onConnectivity);
    globalThis.removeEventListener('offline', this.#onConnectivity);
    super.disconnectedCallback();
  }

  // --- public API -------------------------------------------------------------------

  show(): void {
    this.#setOpen(true);
  }

  hide(): void {
    this.open = false;
  }

  toggle(): void {
    this.#setOpen(!this.open);
  }

  /**
   * Opened by a call (not by the `open` attribute or a restored panel): announced with
   * `indigo-chat-open` and the composer focused, even before the first render (a page
   * that adds the element and calls show() at once).
   */
  #setOpen(open: boolean): void {
    this.#called ||= open;
    this.open = open;
  }

  /** Send visitor text. Returns false for empty text. Queued while an answer streams. */
  send(text: string): boolean {
    if (this.#afterRestore(() => this.send(text))) return true;
    if (typeof text !== 'string' || this.#consentState === 'pending') return false;
    this.#conversation.start();
    return this.#sent(this.#conversation.send({ type: 'text', text }));
  }

  /** Send a button payload; `label` is what the visitor's message shows. */
  sendPayload(payload: string, label?: string): boolean {
    if (this.#afterRestore(() => this.sendPayload(payload, label))) return true;
    if (typeof payload !== 'string' || payload === '' || this.#consentState === 'pending') return false;
    this.#conversation.start();
    const data = label === undefined ? { type: 'payload' as const, payload } : { type: 'payload' as const, payload, label };
    return this.#sent(this.#conversation.send(data));
  }

  #sent(result: SendResult): boolean {
    if (result === 'rejected') return false;
    // The visitor just acted: show their message and follow the answer.
    this.#scroller.jumpToLatest();
    // It waits for the answer on its way: said, as its bubble shows 'Waiting to send'.
    if (result === 'queued' && this.#panelShown) this.#announce(stringsFor(this.#uiLang).queued);
    return true;
  }

  /** Set profile variables (strings only; other values are dropped). Never shown. */
  setProfile(record: Readonly<Record<string, unknown>>): boolean {
    if (this.#afterRestore(() => this.setProfile(record))) return true;
    if (!isRecord(record) || this.#consentState === 'pending') return false;
    const profile: Record<string, string> = {};
    for (const [k, v] of Object.entries(record)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      if (typeof v === 'string') profile[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') profile[k] = String(v);
    }
    if (Object.keys(profile).length === 0) return false;
    this.#conversation.start();
    // Through the reducer: a profile shows no bubble there, and a failure is reported normally.
    return this.#conversation.send({ type: 'profile', profile }) !== 'rejected';
  }

  /** New conversation: abort, new sender, empty transcript, welcome sent again. */
  restart(): void {
    if (this.#afterRestore(() => this.restart())) return;
    // Before consent there is no conversation to restart, and nothing may be sent.
    if (this.#consentState === 'pending') return;
    this.#feedback.reset();
    this.unread = 0;
    this.announcement = '';
    this.#persistence.clear();
    this.#conversation.restart();
    // The new conversation is followed from its first answer.
    this.#scroller.jumpToLatest();
  }

  // --- Lit lifecycle -------------------------------------------------------------------

  /** While an answer streams: at most one render per STREAM_FRAME_MS (src/html/frame-pacing.ts). */
  readonly #streamFrames = new FramePacer();

  /**
   * Lit renders once per microtask, i.e. once per chunk. While an answer streams, wait
   * for a paced animation frame so hundreds of chunks cost one render.
   */
  protected override async scheduleUpdate(): Promise<void> {
    if (this.#restoring) await this.#restoring;
    if (this.#conversation.transcript.status === 'streaming' && typeof requestAnimationFrame === 'function' && !document.hidden) {
      await new Promise<void>((resolve) => this.#streamFrames.next(resolve));
    }
    await super.scheduleUpdate();
  }

  /** Another `mode` (a typo: `popup`) means the default, the launcher, as the loader reads it. */
  #checkMode(): void {
    if (!MODES.includes(this.mode)) this.mode = 'launcher';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#checkMode();
    if (this.#restored && this.storage !== this.#storedIn) {
      // A consent tool switching `storage` (to `none` on withdrawal): what is kept moves,
      // and nothing stays behind in the place it left.
      if (!STORAGE_KINDS.includes(this.storage)) this.storage = 'local';
      this.#persistence.move(this.#storedIn, ...this.#identity);
      this.#storedIn = this.storage;
      this.#feedback.moved();
    }
    if (this.#restored && (this.relay !== this.#identity[0] || this.id !== this.#identity[1])) this.#rekey();
    this.#focused = this.shadowRoot?.activeElement;
    const opened = changed.has('open') && this.open;
    if (changed.has('lang') || opened) this.#fetchMissing();
    if (opened) this.unread = 0;
    // Nothing goes out before the visitor shows the widget, nor before consent.
    if (!this.#restoring && (this.mode === 'launcher' ? this.open : this.#visibility.seen) && this.#consentState !== 'pending') {
      this.#conversation.start();
      this.#loadSanitizer();
      this.#feedback.shown();
    }
  }

  /**
   * Without the native HTML Sanitizer the DOMPurify chunk loads with the conversation,
   * beside the session request (never before the visitor acts); bot messages are held
   * until it settles (render, getUpdateComplete).
   */
  #loadSanitizer(): void {
    if (sanitizerStatus() === 'idle') void ensureSanitizer().then(this.#onSanitizerSettled, this.#onSanitizerSettled);
  }

  readonly #onSanitizerSettled = (): void => this.requestUpdate();

  /** Also waits for the sanitizer (held messages render once it is ready or has failed). */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    if (sanitizerStatus() === 'loading' && this.isConnected) {
      await ensureSanitizer().catch(() => undefined);
      result = await super.getUpdateComplete();
    }
    return result;
  }

  protected override firstUpdated(): void {
    this.#feedback.restored();
    this.#emit(new IndigoChatReadyEvent());
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#sayPending = false;
    this.#syncModal();
    // The focused control went away in this render (a quick reply disabled by its own
    // send, retry or the teaser gone, the panel hidden): focus the conversation, or the
    // launcher when the panel is closed, never <body> (keys would go nowhere, Escape too).
    // Stop gone with its answer: Send, in its place.
    const was = this.#focused;
    if (was && (!was.isConnected || was.matches(':disabled,[hidden] *')))
      this.renderRoot
        .querySelector<HTMLElement>(`[part~=${this.#panelShown ? (was.part.contains('stop') ? 'send' : 'transcript') : 'launcher'}]`)
        ?.focus();
    // Errors and offline through the live region too: a status inserted with its text (the
    // notice keeps role=status, WCAG 4.1.3) is not read by every screen reader.
    if (this.#status !== this.#said && (this.#said = this.#status) && this.#panelShown) this.#announce(this.#status);
    // Carousels, videos, extension blocks: fetched at idle once the chat is shown, so they
    // rarely need their placeholder (docs/decisions/open-time-bytes.md).
    if (this.#revealed && !this.#prefetched) {
      this.#prefetched = true;
      (globalThis.requestIdleCallback ?? setTimeout)(() => void prefetchParts());
    }
    this.#scroller.attach(this.renderRoot.querySelector<HTMLElement>('[part~="transcript"]'));
    if (this.#teaserCtl.visible && !this.#teaserAnnounced) {
      this.#teaserAnnounced = true;
      this.#announce(this.#teaserCtl.text ?? '');
    }
    if (changed.has('open') && (changed.get('open') !== undefined || this.#called)) {
      if (this.open) {
        this.#emit(new IndigoChatOpenEvent());
        // The notice may still be loading (privacy.ts): focus its Accept once it shows.
        if (this.#consentState === 'pending')
          whenConsentShown(() => this.open && this.renderRoot.querySelector<HTMLElement>('[part~="consent-accept"]')?.focus());
        else this.#inputEl?.focus();
      } else {
        this.#emit(new IndigoChatCloseEvent());
        this.#feedback.closed();
      }
      this.#persistence.schedule(false);
    }
    this.#called = false;
    if (this.#toAnnounce.length > 0) {
      // Text of the rendered answer (already sanitised DOM), announced once by the polite
      // live region; the streaming bubble itself is never a live region.
      const ids = this.#toAnnounce;
      this.#toAnnounce = [];
      // Once the answer is all shown: a long one's last commit can take a few frames.
      afterFinalCommits(() => {
        const text = ids
          .map((id) => spokenText(this.renderRoot.querySelector(`[data-message-id="${CSS.escape(id)}"]`)))
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim();
        // Closed launcher: the answer itself is out of sight; say that something arrived.
        if (!this.#panelShown) {
          if (this.unread > 0) this.#announce(stringsFor(this.#uiLang).unread(this.unread));
        } else if (text) {
          // With the notice that came with it (a cut answer): said together, not one over the other.
          this.#announce(`${announcedText(text)} ${this.#said}`.trim());
        }
      });
    }
  }

  /**
   * Every public event goes out here: one place, and the manifest analyzer documents the
   * events from the class JSDoc (`@fires`) instead of guessing from constructor calls.
   */
  #emit(event: Event): void {
    this.dispatchEvent(event);
  }

  // --- state plumbing --------------------------------------------------------------------

  #onTranscript(prev: Transcript, next: Transcript): void {
    if (next.messages.length >= prev.messages.length) {
      for (let i = Math.max(0, prev.messages.length - 1); i < next.messages.length; i++) {
        const m = next.messages[i];
        if (!m) continue;
        const before = prev.messages[i];
        const isNew = !before || before.id !== m.id;
        if (m.role === 'user') {
          if (isNew) this.#emit(new IndigoChatMessageEvent({ message: m, direction: 'out' }));
        } else if (m.state !== 'streaming' && (isNew || (before.role === 'bot' && before.state === 'streaming'))) {
          this.#emit(new IndigoChatMessageEvent({ message: m, direction: 'in' }));
          // An inline chat's welcome, before the visitor has said anything or come in, is not
          // said aloud: it would cut into whatever they are reading on the page (twice with
          // two chats). It is in the transcript when they get there.
          // Fullscreen is the page: its welcome is said even before focus got there (a welcome
          // quicker than the dialog's first render was not, in WebKit).
          // (The shadow root's focus: the host does not match :focus-within in Chromium when
          // focus is in the modal <dialog>, which is in the top layer.)
          if (this.mode !== 'inline' || (this.renderRoot as ShadowRoot).activeElement || next.messages.some((x) => x.role === 'user'))
            this.#toAnnounce.push(m.id);
          if (!this.#panelShown) this.unread++;
        }
      }
    }
    if (next.warningCount > prev.warningCount) {
      const fresh = Math.min(next.warningCount - prev.warningCount, next.warnings.length);
      for (const w of next.warnings.slice(next.warnings.length - fresh)) {
        this.#emit(new IndigoChatWarningEvent(w));
      }
    }
    this.#persistence.schedule(next.status !== 'idle');
    this.#feedback.transcriptChanged(prev, next);
  }

  /**
   * The language pack, parts and the DOMPurify fallback whose import failed (offline, a CDN
   * hiccup): fetched again when the chat opens and when the connection comes back
   * (docs/decisions/open-time-bytes.md).
   */
  #fetchMissing(): void {
    retryFailedParts();
    if (sanitizerStatus() === 'failed') void ensureSanitizer().then(this.#onSanitizerSettled, this.#onSanitizerSettled);
    const wanted = this.#wantedLang;
    if (!isReady(wanted)) void loadLocale(wanted).then(() => this.requestUpdate());
  }

  readonly #onConnectivity = (e: Event): void => {
    const online = e.type === 'online';
    if (online) this.#fetchMissing();
    this.offline = !online;
    this.#conversation.apply({ type: 'connectivity', online, at: Date.now() });
  };

  // --- visitor features ------------------------------------------------------------------

  /** The polite live region says `text` (again, even when it is the same text as before). */
  #announce(text: string): void {
    // Said again before the region rendered the last one (the teaser, then the unread count
    // it brought): both, in order, not the second over the first.
    if (this.#sayPending && this.announcement.trim() && text !== this.announcement) text = `${this.announcement.trim()} ${text}`;
    this.#sayPending = true;
    this.announcement = this.announcement === text ? `${text}\u00a0` : text;
  }

  /** Stop the answer that is streaming: keep what was shown, composer ready. */
  #stopAnswer(): void {
    if (this.#conversation.stop()) this.#inputEl?.focus();
  }

  async #copy(m: BotMessage, button: HTMLElement): Promise<void> {
    const v = visitorStringsFor(this.#uiLang);
    const ok = await copyMessage(m, this.origins, this.#loadOrigins);
    this.#announce(ok ? v.copied : v.copyFailed);
    if (ok) {
      button.dataset.copied = '';
      setTimeout(() => delete button.dataset.copied, 2000);
    }
  }

  /**
   * Download the transcript as `txt` or standalone sanitized `html` (what the header menu's
   * items do). The exporter loads on first use.
   */
  download(format: TranscriptFormat): void {
    const lang = this.#uiLang;
    // The sanitizer too (it may not be loaded yet without the native one; failed: plain text).
    void Promise.all([import('./transcript-export.js'), ensureSanitizer().catch(() => undefined)]).then(([m]) =>
      m.exportTranscript(this.#conversation.transcript, format, this.title, lang, this.origins, this.renderRoot),
    );
  }

  /** @internal Teaser (teaser.ts): the messages its welcome text comes from, and the media origins. */
  welcomeSource(): [readonly Message[], readonly string[]] {
    return [this.#conversation.transcript.messages, this.origins];
  }

  /** @internal Teaser taken from the welcome: start the conversation while the panel is closed. */
  startConversation(): void {
    this.#conversation.start();
    this.#loadSanitizer();
  }

  /** @internal Voice input: the composer's text. */
  getDraft(): string {
    return this.#inputEl?.value ?? this.#draft;
  }

  /** @internal Voice input: replace the composer's text (never sends). */
  setDraft(text: string): void {
    this.#measure((this.#draft = text));
    if (this.#inputEl) this.#inputEl.value = text;
  }

  /**
   * Near the limit the composer shows what is left, over it what is too many, and a send is
   * refused there (the relay's `RELAY_MAX_TEXT_CHARS`, announced with the sender; 4,000
   * until then): nothing is cut silently, as `maxlength` did with a long paste. Going over is
   * said once by the live region.
   */
  #measure(draft: string): void {
    this.typed = /\p{L}/u.test(draft);
    const max = this.#conversation.maxChars;
    const near = draft.length > max * 0.9;
    const m = countPart.mod;
    if (near && !m)
      void countPart.load().then(
        () => this.#measure(this.getDraft()),
        () => {},
      );
    const n = near && m ? m.charLength(draft) : null;
    if (m && n !== null && n > max && !this.#over) this.#announce(m.countText(n, max, this.#uiLang));
    this.counted = n;
  }

  /** The count, its styles adopted here first (another chat on the page may have loaded them). */
  #countView(lang: string): unknown {
    const m = countPart.mod!;
    adoptStyles(this.renderRoot, m.styles);
    return m.countView(`${this.#uid}-count`, this.counted!, this.#conversation.maxChars, lang);
  }

  get #over(): boolean {
    return (this.counted ?? 0) > this.#conversation.maxChars;
  }

  /** @internal Voice input failed: say so politely. */
  onVoiceError(): void {
    this.#announce(visitorStringsFor(this.#uiLang).micError);
  }

  #toggleVoice = (): void => {
    this.#voice.toggle(this.#uiLang);
  };

  /** Relative times are written when they are looked at (hover, focus): never stale, never re-rendered. */
  #onTimeReveal = (e: Event): void => {
    const message = (e.target as Element | null)?.closest?.('[part~="message"]');
    const rel = message?.querySelector<HTMLElement>('[part~="time"] .rel');
    const at = Number(rel?.dataset.at);
    if (rel && Number.isFinite(at)) rel.textContent = relativeTime(at, Date.now(), this.#uiLang);
  };

  /** Phones (<= 480 px wide or <= 440 px tall) and fullscreen: the panel is a modal <dialog> (page inert, no scroll). */
  get #modal(): boolean {
    return this.mode === 'fullscreen' || (this.mode === 'launcher' && this.#viewport.small);
  }

  /**
   * An open modal makes everything outside the dialog inert, hidden from assistive
   * technology, the live region too: it then lives inside the dialog.
   */
  get #liveInDialog(): boolean {
    return this.#modal && (this.mode === 'fullscreen' || this.open);
  }

  #liveRegion(): TemplateResult {
    return html`<div class="visually-hidden" aria-live="polite" aria-atomic="true">${this.announcement}</div>`;
  }

  #syncModal(): void {
    // Only a modal panel is a <dialog>: otherwise the query would walk the whole
    // transcript after every render (a 200 KB answer's DOM, once per frame).
    const dialog = this.#modal ? this.renderRoot.querySelector<HTMLDialogElement>('dialog[part~="panel"]') : null;
    const want = dialog !== null && this.isConnected && (this.mode === 'fullscreen' || this.open);
    if (dialog && want && !dialog.open) {
      try {
        dialog.showModal();
      } catch {
        dialog.show(); // e.g. not yet in a document: at least visible
      }
    } else if (dialog && !want && dialog.open) {
      dialog.close();
    }
    if (want && !this.#unlockScroll) this.#unlockScroll = lockPageScroll();
    else if (!want && this.#unlockScroll) {
      this.#unlockScroll();
      this.#unlockScroll = null;
    }
  }

  /** Escape on the modal: close like the close button (focus back to the launcher). */
  #onDialogCancel = (e: Event): void => {
    e.preventDefault();
    if (this.#escapeHandled) return;
    this.#close();
  };

  /**
   * Closed by the browser itself (a close request the page could not cancel): keep `open`
   * in step, and put a fullscreen chat back (it is the page's content).
   */
  #onDialogClose = (): void => {
    if (this.mode === 'launcher' && this.open) this.#close();
    else if (this.mode === 'fullscreen') this.requestUpdate();
  };

  #close(): void {
    if (this.mode !== 'launcher' || !this.open) return;
    this.open = false;
    // Focus goes back where the visitor opened the panel from.
    void this.updateComplete.then(() => this.#launcherEl?.focus());
  }

  /** Escape on the launcher closes the open panel too; closed, the key is the page's. */
  #onLauncherKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.open) this.#onPanelKeydown(e);
  };

  #onPanelKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.mode === 'launcher') {
      e.stopPropagation();
      // Handled here, so a modal <dialog> does not also close itself (its close request).
      e.preventDefault();
      this.#close();
    } else if (e.key === 'Escape' && this.#modal) {
      e.preventDefault(); // a fullscreen chat has nothing to close to
    }
  };

  #onInputKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.#conversation.stoppable) {
      // Escape stops the answer first; a second Escape closes the panel.
      e.preventDefault();
      e.stopPropagation();
      this.#escapeHandled = true;
      setTimeout(() => (this.#escapeHandled = false));
      this.#stopAnswer();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.#submit();
    }
  };

  #onInput = (e: Event): void => {
    this.#measure((this.#draft = (e.target as HTMLTextAreaElement).value));
  };

  #onSubmit = (e: Event): void => {
    e.preventDefault();
    this.#submit();
  };

  #submit(): void {
    const text = this.#inputEl?.value ?? this.#draft;
    if (this.#over) this.#announce(countPart.mod!.countText(this.counted!, this.#conversation.maxChars, this.#uiLang));
    // Cleared only once the conversation accepted it (reduced, or queued and shown as queued).
    else if (text.trim() !== '' && this.send(text)) this.setDraft('');
    this.#inputEl?.focus();
  }

  #onPayload = (payload: string, label: string): void => {
    this.sendPayload(payload, label);
  };

  #onConsentAccept = (): void => {
    this.consentGiven = true;
    this.consentDeclined = false;
    // Remembered from now on, with the conversation it starts.
    void this.updateComplete.then(() => {
      this.#persistence.schedule(false);
      this.#inputEl?.focus();
    });
  };

  #onConsentDecline = (): void => {
    if (this.declineAction === 'close' && this.mode === 'launcher') {
      this.#close();
      return;
    }
    if (this.declineAction === 'close') return;
    this.consentDeclined = true;
    void this.updateComplete.then(() => this.#inputEl?.focus());
  };

  #onBlockWarning = (code: WarningCode, message: string): void => {
    this.#emit(new IndigoChatWarningEvent({ code, message, at: Date.now() }));
  };

  // --- rendering ---------------------------------------------------------------------------

  #renderTime(at: number, v: VisitorStrings): TemplateResult {
    // The relative text is written on hover/focus (onTimeReveal); the full date is there for
    // screen readers once its formatter is built at idle (a render never loads ICU's date
    // data: that held the first message's paint for 30-80 ms), the messages then rendered again.
    const lang = this.#uiLang;
    const date = fullDateBuilt(lang) ? fullDate(at, lang) : void warmTimeFormat(lang).then(() => this.requestUpdate());
    return html`<time part="time" datetime=${new Date(at).toISOString()}
      ><span class="rel" aria-hidden="true" data-at=${at}></span><span class="visually-hidden">${date && v.sentAt(date)}</span></time
    >`;
  }

  #renderDay(label: string | null): TemplateResult | typeof nothing {
    return label === null ? nothing : html`<div part="day" role="listitem"><span>${label}</span></div>`;
  }

  #renderUser(m: UserMessage, s: ReturnType<typeof stringsFor>, v: VisitorStrings): TemplateResult {
    return html`<div part="message message-user" role="listitem" data-message-id=${m.id}>
      <span class="visually-hidden">${s.you}:</span>
      <div class="user-bubble" dir="auto">${m.text}</div>
      <div class="meta">
        ${m.status === 'failed' ? html`<span class="status failed">${s.failed}</span>` : nothing} ${this.#renderTime(m.at, v)}
      </div>
    </div>`;
  }

  /** Per-answer actions, in their own group (feedback buttons join it there). */
  #renderAnswerActions(m: BotMessage, v: VisitorStrings): TemplateResult | typeof nothing {
    if (!isCopyable(m)) return nothing;
    return html`<div class="answer-actions" role="group" aria-label=${v.answerActions}>
      <button
        part="copy"
        class="icon-button"
        type="button"
        aria-label=${v.copy}
        title=${v.copy}
        @click=${(e: Event) => void this.#copy(m, e.currentTarget as HTMLElement)}
      >
        ${copyIcon}
      </button>
    </div>`;
  }

  #renderBot(
    m: BotMessage,
    activeId: string | null,
    latest: boolean,
    s: ReturnType<typeof stringsFor>,
    v: VisitorStrings,
    ratedId?: string,
  ): TemplateResult {
    return html`<div
      part="message message-bot"
      role="listitem"
      data-message-id=${m.id}
      aria-busy=${m.state === 'streaming' ? 'true' : 'false'}
    >
      <span class="visually-hidden">${s.assistant}${hasGeneratedContent(m) ? ` (${privacyStrings(this.#uiLang).aiGenerated})` : ''}:</span>
      ${renderBotBlocks(m, {
        lang: this.#uiLang,
        mediaOrigins: this.origins,
        loadOrigins: this.#loadOrigins,
        activeActionsId: activeId,
        // The latest turn's carousel buttons stay live even when it has no quick replies.
        activeMessageId: latest ? m.id : null,
        shown: this.#shown,
        onPayload: this.#onPayload,
        onWarning: this.#onBlockWarning,
      })}
      ${m.stopped ? html`<span class="status stopped">${v.stopped}</span>` : m.state === 'incomplete' ? html`<span class="status">${s.incomplete}</span>` : nothing}
      ${m.state === 'streaming' ? nothing : html`<div class="meta">${this.#renderTime(m.at, v)}${this.#renderAnswerActions(m, v)}${this.#feedback.renderThumbs(ratedId)}</div>`}
    </div>`;
  }

  #renderMessage(
    m: Message,
    activeId: string | null,
    latest: boolean,
    s: ReturnType<typeof stringsFor>,
    v: VisitorStrings,
    day: string | null,
    ratedId?: string,
  ): TemplateResult {
    return html`${this.#renderDay(day)}${m.role === 'user' ? this.#renderUser(m, s, v) : this.#renderBot(m, activeId, latest, s, v, ratedId)}`;
  }

  /** Indices of messages that start a day (memoised: recomputed only when messages are added). */
  #dayStartsOf(t: Transcript): Set<number> {
    const first = t.messages[0]?.at ?? 0;
    if (this.#dayCache.n !== t.messages.length || this.#dayCache.first !== first) {
      this.#dayCache = { n: t.messages.length, first, starts: dayStarts(t.messages.map((m) => m.at)) };
    }
    return this.#dayCache.starts;
  }

  #showTyping(t: Transcript): boolean {
    if (t.status === 'waiting') return true;
    const last = t.messages[t.messages.length - 1];
    if (t.status === 'streaming') return !last || last.role !== 'bot' || last.blocks.length === 0;
    return this.#conversation.hiddenPending;
  }

  #renderPanel(s: ReturnType<typeof stringsFor>, v: VisitorStrings): TemplateResult {
    const t = this.#conversation.transcript;
    const activeId = activeActionsBlockId(t);
    const lastMessage = t.messages[t.messages.length - 1];
    const title = this.title || s.defaultTitle;
    const avatar = this.#avatarSrc;
    const launcher = this.mode === 'launcher';
    const hidden = this.#conversation.hiddenFailure;
    const notice = hidden
      ? { kind: hidden.kind === 'timeout' ? 'timeout' : 'send-failed', text: s.noticeConnect }
      : t.notice && t.notice.kind !== 'offline'
        ? { kind: t.notice.kind, text: noticeText(t.notice, s, this.#uiLang) }
        : null;
    const retry = this.#conversation.retryData;
    const lang = this.#uiLang;
    const origins = this.mediaOrigins;
    const rateable = this.#feedback.rateable();
    const load = this.#loadOrigins;
    const dates = fullDateBuilt(lang);
    const ps = privacyStrings(lang);
    const consentPending = this.#consentState === 'pending';
    const starts = this.#dayStartsOf(t);
    const now = Date.now();
    const stoppable = this.#conversation.stoppable;
    // On screen once on this page (sticky: messages re-render once, at the first open).
    this.#shown ||= this.mode === 'launcher' ? this.open : this.#visibility.seen;
    // Offline beside an error notice too (the send fails, then the offline event comes).
    this.#status = [notice?.text, this.offline && s.offline].filter(Boolean).join(' ');
    // Bot HTML is never shown unsanitized: held while the fallback sanitizer loads, plain
    // text (with a notice) if it failed to load, formatted once a retry has loaded it.
    const sanitizing = sanitizerStatus();
    const content = html`<header part="header">
        ${avatar && this.#revealed ? html`<img part="avatar" src=${avatar} alt="" referrerpolicy="no-referrer" />` : nothing}
        <div class="titles">
          <h2 part="title">${title}</h2>
          ${this.subtitle ? html`<p part="subtitle">${this.subtitle}</p>` : nothing}
        </div>
        ${this.#menu.render(this.#uid, v)}
        <button
          part="restart"
          class="icon-button"
          type="button"
          ?hidden=${consentPending}
          aria-label=${s.restart}
          title=${s.restart}
          @click=${() => this.restart()}
        >
          ${restartIcon}
        </button>
        ${
          launcher
            ? html`<button
                part="close"
                class="icon-button"
                type="button"
                aria-label=${s.closeChat}
                title=${s.closeChat}
                @click=${() => this.#close()}
              >
                ${closeIcon}
              </button>`
            : nothing
        }
      </header>
      ${
        consentPending
          ? renderConsent(
              {
                id: this.#uid,
                text: this.consentText,
                privacyUrl: this.privacyUrl,
                onAccept: this.#onConsentAccept,
                onDecline: this.#onConsentDecline,
              },
              lang,
            )
          : nothing
      }
      <div class="body" ?hidden=${consentPending}>
        <div
          part="transcript"
          role="list"
          aria-label=${s.transcript}
          tabindex="0"
          @pointerover=${this.#onTimeReveal}
          @focusin=${this.#onTimeReveal}
        >
          ${renderDisclosure(this.disclosure, ps)}
          ${this.#consentState === 'declined' ? html`<div class="memory-only" role="listitem">${ps.memoryOnly}</div>` : nothing}
          ${
            sanitizing === 'loading' || sanitizing === 'idle'
              ? nothing
              : repeat(
                  t.messages,
                  (m) => m.id,
                  (m, i) => {
                    // Only the message holding the live quick replies depends on activeId.
                    const mine = m.role === 'bot' && activeId !== null && m.blocks.some((b) => b.id === activeId) ? activeId : null;
                    const latest = m === lastMessage && m.role === 'bot';
                    const day = starts.has(i) ? dayLabel(m.at, now, lang, v) : null;
                    const ratedId = rateable.get(m.id);
                    const vote = this.#feedback.vote(ratedId);
                    return guard([m, mine, latest, lang, origins, day, ratedId, vote, load, this.#shown, dates, sanitizing], () =>
                      this.#renderMessage(m, mine, latest, s, v, day, ratedId),
                    );
                  },
                )
          }
          ${this.#conversation.queued.map((q) =>
            q.hidden
              ? nothing
              : html`<div part="message message-user" class="queued" role="listitem">
                  <div class="user-bubble" dir="auto">
                    ${q.data.type === 'text' ? q.data.text : q.data.type === 'payload' ? (q.data.label ?? q.data.payload) : ''}
                  </div>
                  <span class="status">${s.queued}</span>
                </div>`,
          )}
          ${
            this.#showTyping(t)
              ? html`<div part="typing" role="listitem" aria-label=${s.typing}><span></span><span></span><span></span></div>`
              : nothing
          }
        </div>
        ${
          this.#scroller.showJump
            ? html`<button part="jump" type="button" @click=${() => this.#scroller.jumpToLatest()}>${s.jump}</button>`
            : nothing
        }
      </div>
      ${this.offline ? html`<div part="notice" role="status" class="offline">${s.offline}</div>` : nothing}
      ${sanitizing === 'failed' ? html`<div part="notice" role="status" class="plain-text">${blockStrings(lang).plainText}</div>` : nothing}
      ${this.restoreFailed ? html`<div part="notice" role="status" class="restore-failed">${v.restoreFailed}</div>` : nothing}
      ${
        notice
          ? html`<div part="notice" role="status" class=${notice.kind}>
              <span>${notice.text}</span>
              ${retry ? html`<button part="retry" type="button" @click=${() => this.#conversation.retry()}>${s.retry}</button>` : nothing}
            </div>`
          : nothing
      }
      ${this.#feedback.renderCsat()} ${this.counted === null ? nothing : this.#countView(lang)}
      <form part="composer" ?hidden=${consentPending} @submit=${this.#onSubmit}>
        <label class="visually-hidden" for="${this.#uid}-input">${s.inputLabel}</label>
        <textarea
          id="${this.#uid}-input"
          part="input"
          rows="1"
          dir=${this.typed ? 'auto' : nothing}
          enterkeyhint="send"
          aria-describedby=${this.counted === null ? nothing : `${this.#uid}-count`}
          aria-invalid=${this.#over ? 'true' : nothing}
          placeholder=${s.placeholder}
          .value=${this.#draft}
          @input=${this.#onInput}
          @keydown=${this.#onInputKeydown}
          @focus=${() => void warmTimeFormat(this.#uiLang)}
        ></textarea>
        ${
          this.#voice.supported
            ? html`<button
                part="mic"
                class="icon-button"
                type="button"
                aria-label=${this.#voice.listening ? v.micStop : v.micStart}
                title=${this.#voice.listening ? v.micListening : v.micStart}
                ?data-listening=${this.#voice.listening}
                @click=${this.#toggleVoice}
              >
                ${micIcon}
              </button>`
            : nothing
        }
        ${
          stoppable
            ? html`<button part="stop" type="button" aria-label=${v.stop} title=${v.stop} @click=${() => this.#stopAnswer()}>
                ${stopIcon}
              </button>`
            : html`<button part="send" type="submit" aria-label=${s.send}>${sendIcon}</button>`
        }
      </form>`;
    if (this.#modal) {
      return html`<dialog
        id="${this.#uid}-panel"
        part="panel"
        class="modal"
        aria-label=${title}
        ?hidden=${launcher && !this.open}
        @keydown=${this.#onPanelKeydown}
        @click=${focusClickedControl}
        @cancel=${this.#onDialogCancel}
        @close=${this.#onDialogClose}
      >
        ${content} ${this.#liveInDialog ? this.#liveRegion() : nothing}
      </dialog>`;
    }
    return html`<section
      id="${this.#uid}-panel"
      part="panel"
      role=${launcher ? 'dialog' : 'region'}
      aria-label=${title}
      ?hidden=${launcher && !this.open}
      @keydown=${this.#onPanelKeydown}
      @click=${focusClickedControl}
    >
      ${content}
    </section>`;
  }

  protected override render(): TemplateResult {
    const lang = this.#uiLang;
    const s = stringsFor(lang);
    const v = visitorStringsFor(lang);
    const launcher = this.mode === 'launcher';
    const classes = `root ${this.mode === 'inline' || this.mode === 'fullscreen' ? 'inline' : 'launcher'}`;
    // title="" stops the host's title attribute from showing as a tooltip everywhere.
    // dir follows the wanted language at once (the layout does not wait for its strings).
    return html`<div class=${classes} title="" lang=${lang} dir=${dirOf(this.#wantedLang)}>
      ${launcher ? this.#teaserCtl.render(lang) : nothing}
      ${
        launcher
          ? html`<button
              part="launcher"
              type="button"
              aria-label=${this.open ? s.closeChat : this.unread > 0 ? `${s.openChat}, ${s.unread(this.unread)}` : s.openChat}
              aria-expanded=${this.open ? 'true' : 'false'}
              aria-controls="${this.#uid}-panel"
              @click=${() => (this.open ? this.#close() : this.show())}
              @keydown=${this.#onLauncherKeydown}
            >
              ${this.open ? closeIcon : chatIcon}
              ${this.unread > 0 && !this.open ? html`<span part="badge" aria-hidden="true">${this.unread}</span>` : nothing}
            </button>`
          : nothing
      }
      ${this.#renderPanel(s, v)} ${this.#liveInDialog ? nothing : this.#liveRegion()}
    </div>`;
  }
}
