/**
 * Visitor feedback as it travels widget -> relay -> webhook/console: one shape everywhere.
 * Pure data and validation helpers (no I/O), so the widget, the relay and the mock share them.
 */

export const FEEDBACK_REASONS = ['wrong', 'not-helpful', 'unsafe', 'other'] as const;
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number];

export const FEEDBACK_COMMENT_MAX = 500;
/**
 * Characters a comment may not hold (control characters but tab and newline, and the bidi
 * embeddings, overrides and isolates that could make stored text read otherwise): the
 * relay refuses them, the widget leaves them out as the visitor types or pastes.
 */
// eslint-disable-next-line no-control-regex -- these characters are the point
export const COMMENT_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
export const CSAT_MIN = 1;
export const CSAT_MAX = 5;

export type FeedbackKind = 'thumbs' | 'csat';
export type ThumbValue = 'up' | 'down';

/** The `indigo-chat-feedback` event's detail, and the body of `POST {relay}/feedback` (plus `sender`). */
export interface FeedbackDetail {
  readonly kind: FeedbackKind;
  /** `up`/`down` for thumbs, 1–5 for CSAT. */
  readonly value: ThumbValue | number;
  readonly reasons: readonly FeedbackReason[];
  readonly comment: string;
  /** The stable id of the answer (see message-id.ts); for CSAT the conversation's last answer. */
  readonly messageId: string;
}

export function isReason(value: unknown): value is FeedbackReason {
  return typeof value === 'string' && (FEEDBACK_REASONS as readonly string[]).includes(value);
}
