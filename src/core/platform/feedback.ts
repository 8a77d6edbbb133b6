/**
 * Visitor feedback as it travels widget -> relay -> webhook/console: one shape everywhere.
 * Pure data and validation helpers (no I/O), so the widget, the relay and the mock share them.
 */

export const FEEDBACK_REASONS = ['wrong', 'not-helpful', 'unsafe', 'other'] as const;
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number];

export const FEEDBACK_COMMENT_MAX = 500;
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
