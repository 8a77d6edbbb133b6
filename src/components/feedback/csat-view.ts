/**
 * The end-of-conversation CSAT card (loaded with `import()` the first time it is asked:
 * most pages never show it). Non-modal: the chat stays usable around it.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { CSAT_MAX, CSAT_MIN } from '../../core/platform/feedback.js';
import { commentBox } from './feedback-view.js';
import type { CsatState } from './feedback-controller.js';
import type { FeedbackStrings } from './strings.js';

// Function properties, not methods: they are passed on as event handlers unbound.
export interface CsatActions {
  score: (n: number) => void;
  comment: (text: string) => void;
  finish: () => void;
  /** "Not now": no score is sent, even one already picked. */
  later: () => void;
}

export function renderCsat(uid: string, csat: CsatState, s: FeedbackStrings, a: CsatActions): TemplateResult | typeof nothing {
  if (csat.state === 'none') return nothing;
  // One template for the question and its thanks: the thanks lands in a status that was
  // already there (empty, no part, while asking), which screen readers read; a status
  // inserted with its text is not read by every one.
  const thanks = csat.state === 'done' && csat.score !== null;
  return html`${csat.state === 'done' ? nothing : question(uid, csat, s, a)}
    <div part=${thanks ? 'csat' : ''} class=${thanks ? 'csat done' : ''} role="status">${thanks ? s.csatThanks : ''}</div>`;
}

function question(uid: string, csat: CsatState, s: FeedbackStrings, a: CsatActions): TemplateResult {
  const scores: number[] = [];
  for (let n = CSAT_MIN; n <= CSAT_MAX; n++) scores.push(n);
  return html`<form
    part="csat"
    class="csat"
    aria-labelledby="${uid}-csat-q"
    @submit=${(e: Event) => {
      e.preventDefault();
      a.finish();
    }}
  >
    <p id="${uid}-csat-q" class="legend">${s.csatQuestion}</p>
    <div class="scores" role="group" aria-labelledby="${uid}-csat-q">
      ${scores.map(
        (n) =>
          html`<button
            part="csat-score"
            type="button"
            aria-pressed=${csat.score === n ? 'true' : 'false'}
            aria-label=${s.csatScore(n)}
            @click=${() => a.score(n)}
          >
            ${n}
          </button>`,
      )}
    </div>
    ${csat.score !== null ? commentBox(`${uid}-csat-comment`, s.csatComment, csat.comment, a.comment) : nothing}
    <div class="csat-actions">
      <button type="submit" class="feedback-submit" ?disabled=${csat.score === null}>${s.csatSubmit}</button>
      <button type="button" class="csat-later" @click=${() => a.later()}>${s.csatLater}</button>
    </div>
  </form>`;
}
