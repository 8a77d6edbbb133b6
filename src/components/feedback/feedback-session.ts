/**
 * Thumbs and CSAT once their chunk is here (feedback-ui.ts): the controller, which answers
 * get thumbs, their rendering, and asking CSAT. The binding on the open path
 * (feedback-binding.ts) only decides when to load this and forwards to it.
 */
import { nothing, type TemplateResult } from 'lit';
import type { FeedbackElement, FeedbackPrivate } from './feedback-binding.js';
import { FeedbackController, rateableAnswers, type Vote } from './feedback-controller.js';
import { renderFeedback, type FeedbackActions } from './feedback-view.js';
import { feedbackStrings } from './strings.js';

export class FeedbackSession {
  readonly ctl: FeedbackController;
  readonly #actions: FeedbackActions;
  #csatView: typeof import('./csat-view.js') | null = null;

  constructor(
    private readonly el: FeedbackElement,
    private readonly own: FeedbackPrivate,
  ) {
    // The controller's host: the element's properties read live, its private state through `own`.
    const c = (this.ctl = new FeedbackController({
      addController: (x) => el.addController(x),
      removeController: (x) => el.removeController(x),
      requestUpdate: () => el.requestUpdate(),
      get updateComplete() {
        return el.updateComplete;
      },
      get relay() {
        return el.relay;
      },
      get storage() {
        return el.storage;
      },
      get fetchImpl() {
        return el.fetchImpl;
      },
      get storageKey() {
        return own.storageKey();
      },
      get mayStore() {
        return own.mayStore();
      },
      get ownsKey() {
        return own.ownsKey();
      },
      get sender() {
        return el.conversation.sender;
      },
      onFeedback: (detail) => own.onFeedback(detail),
    }));
    this.#actions = {
      thumb: (id, value) => c.thumb(id, value),
      reason: (id, reason) => c.toggleReason(id, reason),
      comment: (id, text) => c.setComment(id, text),
      submit: (id) => c.submitDetails(id),
    };
  }

  /** Message id -> stable id of the answers that get thumbs (call once per render). */
  rateable(): Map<string, string> {
    return rateableAnswers(this.el.conversation.transcript.messages, this.el.conversation.sender);
  }

  vote(stableId: string | undefined): Vote | undefined {
    return stableId ? this.ctl.votes.get(stableId) : undefined;
  }

  renderThumbs(stableId: string | undefined): TemplateResult | typeof nothing {
    return stableId ? renderFeedback(stableId, this.vote(stableId), feedbackStrings(this.el.lang), this.#actions) : nothing;
  }

  /** First render: a CSAT question left open before a reload is shown again. */
  restored(): void {
    if (this.ctl.csat.state !== 'none')
      this.#loadCsat().then(
        () => this.el.requestUpdate(),
        () => {},
      );
  }

  renderCsat(): TemplateResult | typeof nothing {
    const view = this.#csatView;
    const c = this.ctl;
    if (!view || c.csat.state === 'none') return nothing;
    const answers = [...this.rateable().values()];
    return view.renderCsat(this.own.uid(), c.csat, feedbackStrings(this.el.lang), {
      score: (n) => c.csatScore(n),
      comment: (text) => c.csatComment(text),
      finish: () => c.finishCsat(answers.at(-1) ?? null),
      later: () => c.finishCsat(null),
    });
  }

  async #loadCsat(): Promise<void> {
    this.#csatView ??= await import('./csat-view.js');
  }

  /** Once per conversation, after enough answers (`csat="N"`, default 2). */
  maybeAskCsat(): void {
    const csat = this.el.csat;
    const c = this.ctl;
    if (csat === null || c.csat.state !== 'none') return;
    // A whole number of answers; anything else (`10abc`, `2.9`, `1e3`) is the default, 2.
    const n = /^\s*[1-9]\d{0,5}\s*$/.test(csat) ? Number(csat) : 2;
    if (this.rateable().size < n) return;
    // Asked while the visitor is elsewhere (idle): the card appears without focus, so the
    // question is said (only where the chat is in sight; a closed launcher's is found on open).
    void this.#loadCsat().then(() => {
      c.askCsat();
      this.own.announce(feedbackStrings(this.el.lang).csatQuestion);
    });
  }
}
