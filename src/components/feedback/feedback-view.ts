/**
 * The thumbs group under a finished answer, and (thumbs down) its optional reasons and
 * comment. Native buttons with `aria-pressed`, a labelled group, a polite status line.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { FEEDBACK_COMMENT_MAX, FEEDBACK_REASONS, type FeedbackReason, type ThumbValue } from '../../core/platform/feedback.js';
import type { Vote } from './feedback-controller.js';
import type { FeedbackStrings } from './strings.js';

export interface FeedbackActions {
  thumb(id: string, value: ThumbValue): void;
  reason(id: string, reason: FeedbackReason): void;
  comment(id: string, text: string): void;
  submit(id: string): void;
}

/** The optional comment (thumbs-down and CSAT): a labelled textarea capped at 500 characters. */
export function commentBox(id: string, label: string, value: string, onInput: (text: string) => void): TemplateResult {
  return html`<label class="visually-hidden" for=${id}>${label}</label>
    <textarea
      id=${id}
      part="feedback-comment"
      rows="2"
      maxlength=${FEEDBACK_COMMENT_MAX}
      placeholder=${label}
      .value=${value}
      @input=${(e: Event) => onInput((e.target as HTMLTextAreaElement).value)}
    ></textarea>`;
}

const thumbIcon = (down: boolean) =>
  html`<svg
    viewBox="0 0 24 24"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    stroke-width="1.8"
    stroke-linejoin="round"
    class=${down ? 'flip' : ''}
  >
    <path d="M7 11v9H4v-9h3zm0 0l4-7c1.5 0 2.5 1 2.2 2.6L12.6 10H19a2 2 0 0 1 2 2.3l-1.2 6A2 2 0 0 1 17.8 20H7" />
  </svg>`;

export function renderFeedback(id: string, vote: Vote | undefined, s: FeedbackStrings, a: FeedbackActions): TemplateResult {
  const locked = !!vote && vote.changes >= 1;
  const thumb = (value: ThumbValue) => {
    const pressed = vote?.value === value;
    const disabled = locked && !pressed;
    return html`<button
      part=${value === 'up' ? 'thumb-up' : 'thumb-down'}
      type="button"
      class="thumb"
      aria-pressed=${pressed ? 'true' : 'false'}
      aria-disabled=${disabled ? 'true' : 'false'}
      aria-label=${value === 'up' ? s.up : s.down}
      title=${disabled ? s.locked : value === 'up' ? s.up : s.down}
      @click=${() => !disabled && a.thumb(id, value)}
    >
      ${thumbIcon(value === 'down')}
    </button>`;
  };
  const formId = `fb-${id}`;
  // data-answer-id: the answer's stable id (core/platform/message-id.ts), as the relay sees it.
  return html`<div part="feedback" role="group" aria-label=${s.group} class="feedback" data-answer-id=${id}>
    <div class="thumbs">${thumb('up')}${thumb('down')}</div>
    ${
      vote?.details
        ? html`<form
            class="feedback-details"
            aria-labelledby="${formId}-legend"
            @submit=${(e: Event) => {
              e.preventDefault();
              // The form goes away: focus stays with this answer (its pressed thumb), not the
              // whole transcript a keyboard or screen-reader user would be sent back to.
              (e.currentTarget as HTMLElement).parentElement?.querySelector<HTMLElement>('[part~="thumb-down"]')?.focus();
              a.submit(id);
            }}
          >
            <p id="${formId}-legend" class="legend">${s.reasonsLegend}</p>
            <div class="reasons">
              ${FEEDBACK_REASONS.map(
                (r) =>
                  html`<button
                    part="feedback-reason"
                    type="button"
                    aria-pressed=${vote.reasons.includes(r) ? 'true' : 'false'}
                    @click=${() => a.reason(id, r)}
                  >
                    ${s.reasons[r]}
                  </button>`,
              )}
            </div>
            ${commentBox(`${formId}-comment`, s.comment, vote.comment, (text) => a.comment(id, text))}
            <button type="submit" class="feedback-submit">${s.submit}</button>
          </form>`
        : nothing
    }
    <span class="feedback-status" role="status">${vote && !vote.details ? s.thanks : ''}</span>
  </div>`;
}
