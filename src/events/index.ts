/**
 * The element's public events: one class per event, prefixed so they never collide with
 * native names, `bubbles` + `composed` so a page can listen on `document`.
 * The classes extend `Event` only when used (module load touches no DOM global beyond
 * `Event`, which Node 20 has too), so importing this file is SSR-safe.
 */
import type { Message, Warning } from '../core/conversation/types.js';
import type { FeedbackDetail } from '../core/platform/feedback.js';

const init: EventInit = { bubbles: true, composed: true };

export interface IndigoChatMessageDetail {
  readonly message: Message;
  /** `out`: the visitor sent it; `in`: a finished bot answer. */
  readonly direction: 'in' | 'out';
}

export interface IndigoChatErrorDetail {
  /**
   * `network`, `http-<status>`, `bad-content-type`, `session-<code>` (no sender could be
   * obtained), `timeout`, `incomplete` (the answer stopped before its end), `no-answer`,
   * or a relay error code.
   */
  readonly code: string;
  readonly message: string;
}

/** The element is connected, its state restored, and it is ready for `send()`. */
export class IndigoChatReadyEvent extends Event {
  static get eventName(): 'indigo-chat-ready' {
    return 'indigo-chat-ready';
  }
  constructor() {
    super(IndigoChatReadyEvent.eventName, init);
  }
}

export class IndigoChatOpenEvent extends Event {
  static get eventName(): 'indigo-chat-open' {
    return 'indigo-chat-open';
  }
  constructor() {
    super(IndigoChatOpenEvent.eventName, init);
  }
}

export class IndigoChatCloseEvent extends Event {
  static get eventName(): 'indigo-chat-close' {
    return 'indigo-chat-close';
  }
  constructor() {
    super(IndigoChatCloseEvent.eventName, init);
  }
}

export class IndigoChatMessageEvent extends Event {
  static get eventName(): 'indigo-chat-message' {
    return 'indigo-chat-message';
  }
  readonly detail: IndigoChatMessageDetail;
  constructor(detail: IndigoChatMessageDetail) {
    super(IndigoChatMessageEvent.eventName, init);
    this.detail = detail;
  }
}

export class IndigoChatErrorEvent extends Event {
  static get eventName(): 'indigo-chat-error' {
    return 'indigo-chat-error';
  }
  readonly detail: IndigoChatErrorDetail;
  constructor(detail: IndigoChatErrorDetail) {
    super(IndigoChatErrorEvent.eventName, init);
    this.detail = detail;
  }
}

export class IndigoChatWarningEvent extends Event {
  static get eventName(): 'indigo-chat-warning' {
    return 'indigo-chat-warning';
  }
  readonly detail: Warning;
  constructor(detail: Warning) {
    super(IndigoChatWarningEvent.eventName, init);
    this.detail = detail;
  }
}

/** The visitor rated an answer (thumbs) or the conversation (CSAT). */
export class IndigoChatFeedbackEvent extends Event {
  static get eventName(): 'indigo-chat-feedback' {
    return 'indigo-chat-feedback';
  }
  readonly detail: FeedbackDetail;
  constructor(detail: FeedbackDetail) {
    super(IndigoChatFeedbackEvent.eventName, init);
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'indigo-chat-ready': IndigoChatReadyEvent;
    'indigo-chat-open': IndigoChatOpenEvent;
    'indigo-chat-close': IndigoChatCloseEvent;
    'indigo-chat-message': IndigoChatMessageEvent;
    'indigo-chat-error': IndigoChatErrorEvent;
    'indigo-chat-warning': IndigoChatWarningEvent;
    'indigo-chat-feedback': IndigoChatFeedbackEvent;
  }
}
