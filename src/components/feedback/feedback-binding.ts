/**
 * Everything <indigo-chat> needs for thumbs and CSAT, behind a few calls, so the element
 * only wires it in. This open-path part only decides when to load the feedback chunk
 * (feedback-ui.ts: controller, thumbs, strings, styles, and feedback-session.ts, which
 * does the work) and forwards to it; the CSAT card loads on first use (csat-view.ts).
 */
import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Message, Transcript } from '../../core/conversation/types.js';
import type { FeedbackDetail } from '../../core/platform/feedback.js';
import type { StorageKind } from '../../controllers/persistence-controller.js';
import type { FetchLike } from '../../transport/transport.js';
import type { Vote } from './feedback-controller.js';
import type { FeedbackSession } from './feedback-session.js';
import { adoptStyles, lazyModule } from '../blocks/lazy-part.js';
import { feedbackKey, readStored } from '../../controllers/storage.js';

// The feedback UI (controller, thumbs, strings, styles) is its own chunk, loaded only
// once it can be needed; nothing of it runs at open.
const feedbackUi = lazyModule('feedback', () => import('./feedback-ui.js'), false);

/** What the binding reads from the element itself (its public properties). */
export interface FeedbackElement extends ReactiveControllerHost {
  readonly relay: string;
  readonly storage: StorageKind;
  readonly fetchImpl: FetchLike | undefined;
  readonly lang: string;
  /** The `csat` attribute: null = off. */
  readonly csat: string | null;
  readonly csatIdleMs: number;
  /** Where the feedback styles are adopted when the UI arrives. */
  readonly renderRoot: Node;
  readonly conversation: { readonly sender: string | null; readonly transcript: { readonly messages: readonly Message[] } };
}

/** What only the element knows (its private state), as calls. */
export interface FeedbackPrivate {
  /** The persistence key of the transcript; feedback uses `${key}:feedback`. */
  storageKey(): string;
  /** Feedback may be written now: the conversation may be stored (consent) and this element owns its key. */
  mayStore(): boolean;
  /** This element owns its storage key (another chat on the page may hold it). */
  ownsKey(): boolean;
  /** Unique per instance, for element ids. */
  uid(): string;
  /** Fired for every vote the visitor makes (the element's `indigo-chat-feedback`). */
  onFeedback(detail: FeedbackDetail): void;
  /** Says `text` by the element's live region where the chat is in sight (not in a closed launcher). */
  announce(text: string): unknown;
}

const NONE: Map<string, string> = new Map();

export class FeedbackBinding {
  #s: FeedbackSession | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The saved outbox was looked at (shown()). */
  #checked = false;

  constructor(
    private readonly el: FeedbackElement,
    private readonly own: FeedbackPrivate,
  ) {}

  /** Load the UI (once) and start its controller; the element re-renders with it. */
  #load(): Promise<FeedbackSession> {
    return feedbackUi.load().then((ui) => {
      if (!this.#s) {
        adoptStyles(this.el.renderRoot, ui.styles);
        this.#s = new ui.FeedbackSession(this.el, this.own);
        this.el.requestUpdate();
      }
      return this.#s;
    });
  }

  /**
   * Message id -> stable id of the answers that get thumbs (call once per render). Empty
   * until the UI is loaded; a visitor message starts loading it.
   */
  rateable(): Map<string, string> {
    if (this.#s) return this.#s.rateable();
    this.#once(() => {});
    return NONE;
  }

  /**
   * `then` with the session: now, or once loaded where the visitor has written (thumbs and
   * CSAT are only for them), so a CSAT timer or a close before the chunk arrived still asks.
   */
  #once(then: (s: FeedbackSession) => void): void {
    const c = this.el.conversation;
    if (this.#s) then(this.#s);
    else if (c.sender && c.transcript.messages.some((m) => m.role === 'user')) void this.#load().then(then, () => {});
  }

  vote(stableId: string | undefined): Vote | undefined {
    return this.#s?.vote(stableId);
  }

  renderThumbs(stableId: string | undefined): TemplateResult | typeof nothing {
    return this.#s ? this.#s.renderThumbs(stableId) : nothing;
  }

  /**
   * The chat is shown (its conversation starts): votes an earlier page saved but could not
   * deliver go out now, not only once the visitor writes again (a restart and a reload
   * leave a conversation with no visitor message, which alone never loads the chunk).
   */
  shown(): void {
    if (this.#s || this.#checked) return;
    this.#checked = true;
    if (readStored(this.el.storage, feedbackKey(this.own.storageKey()))?.includes('"outbox":[{')) this.#load().catch(() => {});
  }

  /** First render: a CSAT question left open before a reload is shown again. */
  restored(): void {
    if (this.el.csat !== null)
      void this.#load().then(
        (s) => s.restored(),
        () => {},
      );
  }

  /** The launcher's panel closed. */
  closed(): void {
    this.#once((s) => s.maybeAskCsat());
  }

  /** An answer finished: CSAT may be asked after `csatIdleMs` without activity. */
  transcriptChanged(prev: Transcript, next: Transcript): void {
    if (this.el.csat === null) return;
    // An answer on its way is activity: a timer from the last one must not ask over it.
    if (next.status !== 'idle') clearTimeout(this.#timer);
    if (next.status !== 'idle' || prev.status === 'idle') return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#once((s) => s.maybeAskCsat()), this.el.csatIdleMs);
  }

  /** This tab now shows the conversation another tab started (another sender). */
  followed(): void {
    this.#s?.ctl.followed();
  }

  /** `storage` moved: the votes in memory are written where it stores now (another tab may have removed them). */
  moved(): void {
    this.#s?.ctl.save();
  }

  /** A new conversation: forget votes and CSAT (stored ones too, so load first if needed). */
  reset(): void {
    if (this.#s) this.#s.ctl.reset();
    else if (this.el.conversation.sender)
      void this.#load().then(
        (s) => s.ctl.reset(),
        () => {},
      );
  }

  disconnected(): void {
    clearTimeout(this.#timer);
  }

  renderCsat(): TemplateResult | typeof nothing {
    return this.#s ? this.#s.renderCsat() : nothing;
  }
}
