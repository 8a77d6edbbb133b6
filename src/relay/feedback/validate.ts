/**
 * Validation of `POST {relay}/feedback`. Strict: known keys only, known values, sizes
 * capped, the answer's id bound to the sender's own conversation (nobody rates answers in
 * someone else's conversation). Returns a freshly built object.
 */
import {
  COMMENT_CONTROL,
  CSAT_MAX,
  CSAT_MIN,
  FEEDBACK_COMMENT_MAX,
  FEEDBACK_REASONS,
  isReason,
  type FeedbackDetail,
} from '../../core/platform/feedback.js';
import { conversationKey, parseMessageId } from '../../core/platform/message-id.js';
import { isSenderFormat } from '../sender.js';

export const FEEDBACK_BODY_BYTES = 4096;
const KEYS = new Set(['sender', 'kind', 'value', 'reasons', 'comment', 'messageId']);

export type ValidFeedback = { ok: true; sender: string; conversation: string; detail: FeedbackDetail } | { ok: false; message: string };

export function validateFeedbackBody(body: unknown): ValidFeedback {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'The body must be a JSON object.' };
  const b = body as Record<string, unknown>;
  // Fixed text: an error body never echoes what the client sent (not even a key's name).
  for (const key of Object.keys(b))
    if (!KEYS.has(key))
      return { ok: false, message: 'Unknown field; the known ones are sender, kind, value, reasons, comment, messageId.' };
  if (!isSenderFormat(b['sender'])) return { ok: false, message: '`sender` is missing or malformed.' };
  const sender = b['sender'];
  const kind = b['kind'];
  if (kind !== 'thumbs' && kind !== 'csat') return { ok: false, message: '`kind` must be "thumbs" or "csat".' };
  const value = b['value'];
  if (kind === 'thumbs' && value !== 'up' && value !== 'down') return { ok: false, message: '`value` must be "up" or "down" for thumbs.' };
  if (kind === 'csat' && !(typeof value === 'number' && Number.isInteger(value) && value >= CSAT_MIN && value <= CSAT_MAX))
    return { ok: false, message: `\`value\` must be an integer from ${CSAT_MIN} to ${CSAT_MAX} for csat.` };
  const reasonsRaw = b['reasons'] ?? [];
  if (!Array.isArray(reasonsRaw) || reasonsRaw.length > FEEDBACK_REASONS.length || !reasonsRaw.every(isReason))
    return { ok: false, message: `\`reasons\` must be a list of: ${FEEDBACK_REASONS.join(', ')}.` };
  const reasons = [...new Set(reasonsRaw)].sort();
  if (reasons.length > 0 && !(kind === 'thumbs' && value === 'down'))
    return { ok: false, message: '`reasons` go with a thumbs-down only.' };
  const comment = b['comment'] ?? '';
  if (typeof comment !== 'string' || [...comment].length > FEEDBACK_COMMENT_MAX)
    return { ok: false, message: `\`comment\` must be a string of at most ${FEEDBACK_COMMENT_MAX} characters.` };
  if (COMMENT_CONTROL.test(comment)) return { ok: false, message: '`comment` holds control characters.' };
  const messageId = b['messageId'];
  const parsed = typeof messageId === 'string' ? parseMessageId(messageId) : null;
  const conversation = conversationKey(sender);
  if (!parsed || typeof messageId !== 'string') return { ok: false, message: '`messageId` is missing or malformed.' };
  if (parsed.conversation !== conversation) return { ok: false, message: '`messageId` belongs to another conversation.' };
  // One vote per answer: the store keys a vote by its whole id, so `<conv>.2.0` … `<conv>.2.999`
  // would be a thousand votes on one answer. The widget shows one bubble per turn and only
  // ever sends block 0 (stableMessageId(sender, turn)); any other block is refused, and so is
  // `.00` or `.000` (the same block spelled otherwise: three keys, three votes).
  if (parsed.block !== 0 || !messageId.endsWith('.0'))
    return { ok: false, message: '`messageId` is malformed: feedback names an answer as `<conversation>.<turn>.0`.' };
  return {
    ok: true,
    sender,
    conversation,
    detail: { kind, value: value as FeedbackDetail['value'], reasons, comment: comment.trim(), messageId },
  };
}
