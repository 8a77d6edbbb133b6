/**
 * Thumbs and CSAT, loaded on demand (docs/decisions/open-time-bytes.md): the binding
 * imports this module once the conversation has a visitor message (thumbs can show from
 * the next finished answer on) or a CSAT question may be pending, never at open.
 */
export { FeedbackSession } from './feedback-session.js';
export { feedbackStyles as styles } from './feedback.styles.js';
