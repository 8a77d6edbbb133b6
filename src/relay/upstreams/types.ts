import type { OutgoingData } from '../../core/protocol/types.js';

/**
 * The upstream interface: everything platform-specific lives behind it. The relay hands an
 * adapter the visitor's verified sender id and the validated message; the adapter answers
 * with the canonical chunk stream of docs/protocol.md (processing.start … processing.end),
 * or with the platform's failure, which the relay maps to its fixed error codes.
 *
 * Adapters import the core (types, encoder) and nothing from the widget.
 */

export type UpstreamLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface UpstreamMessage {
  /** The relay-signed sender id (already verified). A bearer secret: never send it as is. */
  readonly sender: string;
  /** Freshly built by the relay's validator: only known fields. */
  readonly data: OutgoingData;
  /** Aborted when the browser goes away or a relay timeout fires: stop every request and poll. */
  readonly signal: AbortSignal;
  /**
   * The visitor pressed Stop on the answer before this message (the element says so in this
   * send). A polled adapter then shows nothing of that answer that comes late; a streamed
   * platform has nothing to do (its stream ended with the abort).
   */
  readonly stopped?: boolean;
}

/**
 * A refusal decided by the adapter itself before anything reached the platform (a message
 * the platform cannot take, a profile that cannot be mapped). The relay answers with this
 * status and code as they are.
 */
export interface UpstreamRefusal {
  readonly refused: { readonly status: number; readonly code: string; readonly message: string };
}

/**
 * `Response` 2xx: its body is the answer as chunks in any framing the core decoder reads
 * (SSE, NDJSON, concatenated JSON, JSON array). Non-2xx: the platform's status (and
 * `retry-after` on 429); the relay maps it (401/403 auth, 404, 413, 429, 4xx, 5xx).
 */
export type UpstreamAnswer = Response | UpstreamRefusal;

export interface Upstream {
  send(message: UpstreamMessage): Promise<UpstreamAnswer>;
}

export interface UpstreamContext {
  /** The relay's upstream fetch (tests and the offline mocks inject theirs here). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Redacted logger. */
  readonly log: UpstreamLog;
}

/** What the relay's config carries: a name, the secrets to redact, and a factory. */
export interface UpstreamSpec {
  /** `indigo`, `botpress`, `chat-messages` or your own. */
  readonly name: string;
  /** Tokens that must never appear in a response, header or log line (also scrubbed as fragments). */
  readonly secrets: readonly string[];
  /** The platform's own limit on a visitor's text, in characters, when it has one. */
  readonly maxTextChars?: number;
  /**
   * The answer is the platform's own chunk stream, passed through (indigo.ai), not chunks
   * the adapter built: the relay replaces any `error` chunk in it with its own.
   */
  readonly platformChunks?: boolean;
  create(context: UpstreamContext): Upstream;
}

export function isRefusal(answer: UpstreamAnswer): answer is UpstreamRefusal {
  return !(answer instanceof Response) && typeof answer.refused === 'object';
}

export function refuse(status: number, code: string, message: string): UpstreamRefusal {
  return { refused: { status, code, message } };
}
