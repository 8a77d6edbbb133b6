/**
 * What the core can tell the visitor (notices) and the page (warnings), as codes. The
 * element maps each code to a localized string (`noticeText` in the element); the English
 * text below is the one copy of it, used for `Notice.message` (logs, consumers of the
 * core without the element) and as the element's English strings.
 */
import type { Notice } from './types.js';

/**
 * - `send-failed`: the request for the visitor's message failed (network, HTTP error).
 * - `rate-limited`: the relay refused it for now and said how long to wait (`Retry-After`
 *   on a 429 or 503; `Notice.retryAfter` holds the seconds).
 * - `no-answer`: the stream ended with nothing at all for the send (treated as not delivered).
 * - `timeout`: the answer stopped arriving in time; what came is kept.
 * - `no-answer-in-time`: nothing arrived before the timeout.
 * - `incomplete`: the stream ended before `processing.end`; what came is kept.
 * - `error`: the relay reported an upstream error without a message of its own.
 * - `relay-error`: the relay reported an upstream error; `Notice.message` is its message,
 *   shown as it is.
 * - `offline`: the browser is offline.
 */
export type NoticeCode =
  'send-failed' | 'rate-limited' | 'no-answer' | 'timeout' | 'no-answer-in-time' | 'incomplete' | 'error' | 'relay-error' | 'offline';

/** The notices' English text: the single place it lives (the element's `en` strings read it). */
export const NOTICE_TEXT: Readonly<Record<NoticeCode, string>> = Object.freeze({
  'send-failed': 'Your message could not be sent.',
  'rate-limited': 'Your message could not be sent right now.',
  'no-answer': 'No answer arrived.',
  timeout: 'The assistant took too long to answer. This answer may be incomplete.',
  'no-answer-in-time': 'The assistant did not answer in time.',
  incomplete: 'The connection was interrupted before the answer ended.',
  error: 'The assistant could not answer.',
  'relay-error': 'The assistant could not answer.',
  offline: 'You are offline.',
});

/**
 * - `degraded-generation`: a generation got an invalid delta and is shown as plain text.
 * - `ignored-chunk`: a chunk arrived where it cannot apply (after the end, unknown id).
 * - `cap-reached`: a size cap was reached; further content was ignored.
 * - `invalid-chunk`: a chunk (or event) was malformed and ignored.
 * - `refused-url`: the view dropped an image, video or link whose URL the policy refuses.
 */
export type WarningCode = 'degraded-generation' | 'ignored-chunk' | 'cap-reached' | 'invalid-chunk' | 'refused-url';

/** Every warning code once (a `Record` so a new code without an entry fails to compile). */
const WARNING_CODE_SET: Readonly<Record<WarningCode, true>> = {
  'degraded-generation': true,
  'ignored-chunk': true,
  'cap-reached': true,
  'invalid-chunk': true,
  'refused-url': true,
};
// Pure: a bundle that never reads the list (the widget) drops it; `Object.freeze` is a call,
// which bundlers otherwise keep for its possible side effects.
export const WARNING_CODES: readonly WarningCode[] = /* @__PURE__ */ Object.freeze(Object.keys(WARNING_CODE_SET) as WarningCode[]);

export function isNoticeCode(x: unknown): x is NoticeCode {
  return typeof x === 'string' && Object.hasOwn(NOTICE_TEXT, x);
}

/** Each notice code's category (`Notice.kind`). */
const NOTICE_KIND: Readonly<Record<NoticeCode, 'send-failed' | 'incomplete' | 'timeout' | 'error' | 'offline'>> = {
  'send-failed': 'send-failed',
  'rate-limited': 'send-failed',
  'no-answer': 'send-failed',
  timeout: 'timeout',
  'no-answer-in-time': 'timeout',
  incomplete: 'incomplete',
  error: 'error',
  'relay-error': 'error',
  offline: 'offline',
};

/** The category of a notice code. */
export function noticeKind(code: NoticeCode): 'send-failed' | 'incomplete' | 'timeout' | 'error' | 'offline' {
  return NOTICE_KIND[code];
}

/** A notice for `code` with its English text (or `message`), offering `retry` when given. */
export function makeNotice(code: NoticeCode, retry: Pick<Notice, 'retry'> = {}, message: string = NOTICE_TEXT[code]): Notice {
  return { kind: NOTICE_KIND[code], code, message, ...retry };
}
