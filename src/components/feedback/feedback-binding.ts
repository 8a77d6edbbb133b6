/**
 * Everything <indigo-chat> needs for thumbs and CSAT, behind a few calls, so the element
 * only wires it in: the controller (state, storage, sending), which answers get thumbs,
 * their rendering, and when the CSAT card is asked. The UI itself is loaded with `import()`
 * once it can show (feedback-ui.ts), the CSAT card on first use (csat-view.ts).
 */
import { nothing, type TemplateResult } from 'lit';
import type { Message, Transcript } from '../../core/conversation/types.js';
import type { FeedbackController, FeedbackHost, Vote } from './feedback-controller.js';
import type { FeedbackActions } from './feedback-view.js';
import { adoptStyles, lazyModule } from '../blocks/lazy-part.js';

// The feedback UI (controller, thumbs, strings, styles) is its own chunk, loaded only
// once it can be needed; nothing of it runs at open.
const feedbackUi = lazyModule('feedback', () => import('./feedback-ui.js'), false);
type FeedbackUi = typeof import('./feedback-ui.js');

/** What the binding reads from the element (getters: the values change). */
export interface FeedbackElement extends FeedbackHost {
  readonly lang: string;
  /** The `csat` attribute: null = off. */
  readonly csat: string | null;
  readonly csatIdleMs: number;
  readonly messages: readonly Message[];
  /** Unique per instance, for element ids. */
  readonly uid: string;
  /** Where the feedback styles are adopted when the UI arrives. */
  readonly renderRoot: Node;
}

const NONE: Map<string, string> = new Map();

export class FeedbackBinding {
  private ui: FeedbackUi | null = null;
  private ctl: FeedbackController | null = null;
  private csatView: typeof import('./csat-view.js') | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private actions: FeedbackActions | null = null;

  constructor(private readonly el: FeedbackElement) {}

  /** The controller once the UI is loaded (it reads the saved votes when it starts). */
  get controller(): FeedbackController | null {
    return this.ctl;
  }

  /** Load the UI (once) and start its controller; the element re-renders with it. */
  private load(): Promise<FeedbackController> {
    return feedbackUi.load().then((ui) => {
      if (!this.ctl) {
        this.ui = ui;
        adoptStyles(this.el.renderRoot, ui.styles);
        const c = (this.ctl = new ui.FeedbackController(this.el));
        this.actions = {
          thumb: (id, value) => c.thumb(id, value),
          reason: (id, reason) => c.toggleReason(id, reason),
          comment: (id, text) => c.setComment(id, text),
          submit: (id) => c.submitDetails(id),
        };
        this.el.requestUpdate();
      }
      return this.ctl;
    });
  }

  /**
   * Message id -> stable id of the answers that get thumbs (call once per render). Empty
   * until the UI is loaded; a visitor message starts loading it.
   */
  rateable(): Map<string, string> {
    if (this.ui) return this.ui.rateableAnswers(this.el.messages, this.el.sender);
    if (this.el.sender && this.el.messages.some((m) => m.role === 'user')) void this.load().catch(() => {});
    return NONE;
  }

  vote(stableId: string | undefined): Vote | undefined {
    return stableId ? this.ctl?.votes.get(stableId) : undefined;
  }

  renderThumbs(stableId: string | undefined): TemplateResult | typeof nothing {
    const ui = this.ui;
    return stableId && ui && this.actions ? ui.renderFeedback(stableId, this.vote(stableId), ui.feedbackStrings(this.el.lang), this.actions) : nothing;
  }

  /** First render: a CSAT question left open before a reload is shown again. */
  restored(): void {
    if (this.el.csat === null) return;
    void this.load()
      .then((c) => (c.csat.state !== 'none' ? this.loadCsat().then(() => this.el.requestUpdate()) : undefined))
      .catch(() => {});
  }

  /** The launcher's panel closed. */
  closed(): void {
    this.maybeAskCsat();
  }

  /** An answer finished: CSAT may be asked after `csatIdleMs` without activity. */
  transcriptChanged(prev: Transcript, next: Transcript): void {
    if (this.el.csat === null || next.status !== 'idle' || prev.status === 'idle') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.maybeAskCsat(), this.el.csatIdleMs);
  }

  /** A new conversation: forget votes and CSAT (stored ones too, so load first if needed). */
  reset(): void {
    if (this.ctl) this.ctl.reset();
    else if (this.el.sender) void this.load().then((c) => c.reset(), () => {});
  }

  disconnected(): void {
    clearTimeout(this.timer);
  }

  renderCsat(): TemplateResult | typeof nothing {
    const view = this.csatView;
    const c = this.ctl;
    const ui = this.ui;
    if (!view || !c || !ui || c.csat.state === 'none') return nothing;
    const answers = [...this.rateable().values()];
    return view.renderCsat(this.el.uid, c.csat, ui.feedbackStrings(this.el.lang), {
      score: (n) => c.csatScore(n),
      comment: (text) => c.csatComment(text),
      finish: () => c.finishCsat(answers.at(-1) ?? null),
    });
  }

  private async loadCsat(): Promise<void> {
    this.csatView ??= await import('./csat-view.js');
  }

  /** Once per conversation, after enough answers (`csat="N"`, default 2). */
  private maybeAskCsat(): void {
    const csat = this.el.csat;
    const c = this.ctl;
    if (csat === null || !c || c.csat.state !== 'none') return;
    const n = Number.parseInt(csat, 10);
    if (this.rateable().size < (Number.isInteger(n) && n > 0 ? n : 2)) return;
    void this.loadCsat().then(() => c.askCsat());
  }
}
