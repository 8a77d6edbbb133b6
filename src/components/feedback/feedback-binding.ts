/**
 * Everything <indigo-chat> needs for thumbs and CSAT, behind a few calls, so the element
 * only wires it in: the controller (state, storage, sending), which answers get thumbs,
 * their rendering, and when the CSAT card is asked (loaded with `import()` on first use).
 */
import { nothing, type TemplateResult } from 'lit';
import type { Message, Transcript } from '../../core/conversation/types.js';
import { FeedbackController, rateableAnswers, type FeedbackHost, type Vote } from './feedback-controller.js';
import { renderFeedback, type FeedbackActions } from './feedback-view.js';
import { feedbackStrings } from './strings.js';

export { feedbackStyles } from './feedback.styles.js';

/** What the binding reads from the element (getters: the values change). */
export interface FeedbackElement extends FeedbackHost {
  readonly lang: string;
  /** The `csat` attribute: null = off. */
  readonly csat: string | null;
  readonly csatIdleMs: number;
  readonly messages: readonly Message[];
  /** Unique per instance, for element ids. */
  readonly uid: string;
}

export class FeedbackBinding {
  readonly controller: FeedbackController;
  private csatView: typeof import('./csat-view.js') | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly actions: FeedbackActions;

  constructor(private readonly el: FeedbackElement) {
    this.controller = new FeedbackController(el);
    const c = this.controller;
    this.actions = {
      thumb: (id, value) => c.thumb(id, value),
      reason: (id, reason) => c.toggleReason(id, reason),
      comment: (id, text) => c.setComment(id, text),
      submit: (id) => c.submitDetails(id),
    };
  }

  /** Message id -> stable id of the answers that get thumbs (call once per render). */
  rateable(): Map<string, string> {
    return rateableAnswers(this.el.messages, this.el.sender);
  }

  vote(stableId: string | undefined): Vote | undefined {
    return stableId ? this.controller.votes.get(stableId) : undefined;
  }

  renderThumbs(stableId: string | undefined): TemplateResult | typeof nothing {
    return stableId ? renderFeedback(stableId, this.vote(stableId), feedbackStrings(this.el.lang), this.actions) : nothing;
  }

  /** First render: a CSAT question left open before a reload is shown again. */
  restored(): void {
    if (this.controller.csat.state !== 'none' && this.el.csat !== null) void this.loadCsat().then(() => this.el.requestUpdate());
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

  reset(): void {
    this.controller.reset();
  }

  disconnected(): void {
    clearTimeout(this.timer);
  }

  renderCsat(): TemplateResult | typeof nothing {
    const view = this.csatView;
    const c = this.controller;
    if (!view || c.csat.state === 'none') return nothing;
    const answers = [...this.rateable().values()];
    return view.renderCsat(this.el.uid, c.csat, feedbackStrings(this.el.lang), {
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
    if (csat === null || this.controller.csat.state !== 'none') return;
    const n = Number.parseInt(csat, 10);
    if (this.rateable().size < (Number.isInteger(n) && n > 0 ? n : 2)) return;
    void this.loadCsat().then(() => this.controller.askCsat());
  }
}
