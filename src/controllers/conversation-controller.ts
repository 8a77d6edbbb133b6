/**
 * Owns the conversation: the transcript (only ever replaced by `reduce`), the sender, and
 * the one request in flight. A Lit ReactiveController over a small host interface, so it
 * is testable with a fake host and a fake fetch.
 *
 * Runs follow Lit's Task pattern: a run counter plus one AbortController per run, so a
 * stale run (after `restart()` or a disconnect) can never touch the transcript.
 *
 * Decision: a send while an answer is still streaming is queued, not cancelling. The
 * visitor's new message goes out as soon as the current answer ends (the old turn's quick
 * replies are disabled by the reducer anyway); cancelling would throw away an answer the
 * visitor may be reading. Queued sends are visible (`queued`) so nothing typed is lost.
 *
 * Hidden sends (the welcome payload, profiles) never reduce a `send` event: they must not
 * show as a visitor message. While one is out, `hiddenPending` lets the view show typing.
 * For the same reason their failures stay out of the reducer (its `send-failed` belongs to
 * the last *visible* turn: it would mark the visitor's previous message failed and offer
 * to resend it): a failed hidden send is kept here as `hiddenFailure`, with its retry.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createTranscript, reduce } from '../core/index.js';
import type { BotMessage, Chunk, ConversationEvent, DeltaUnit, Notice, OutgoingData, Transcript } from '../core/index.js';
import { cleanOutgoing, sameOutgoing } from '../core/conversation/shared.js';
import { createSession, streamReply, TransportError } from '../transport/transport.js';
import type { FetchLike, StreamOutcome, Timeouts } from '../transport/transport.js';

export interface ConversationHost extends ReactiveControllerHost {
  readonly relay: string;
  readonly welcome: string;
  readonly deltaUnit: DeltaUnit;
  readonly timeouts?: Partial<Timeouts> | undefined;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetchImpl?: FetchLike | undefined;
}

export interface ConversationCallbacks {
  /** Every transcript replacement, in order (the host diffs for events). */
  onTranscript?(prev: Transcript, next: Transcript): void;
  onError?(code: string, message: string): void;
  /** The sender changed (new session or restart): persist it. */
  onSender?(sender: string | null): void;
}

const NO_ORIGINS: readonly string[] = Object.freeze([]);

/** The composer's limit until the relay says its own: the relay's `RELAY_MAX_TEXT_CHARS` default. */
export const MAX_TEXT_CHARS = 4000;

export interface QueuedSend {
  readonly data: OutgoingData;
  readonly hidden: boolean;
}

export type SendResult = 'sent' | 'queued' | 'rejected';

/** A hidden send (welcome, profile) that got no answer: the view shows a notice + retry. */
export interface HiddenFailure {
  /** `failed`: no session or the request was refused; `timeout`: nothing came back in time. */
  readonly kind: 'failed' | 'timeout';
  readonly code: string;
  readonly message: string;
  readonly data: OutgoingData;
}

/**
 * Relay answers meaning "this sender is not (or no longer) valid": get a new one, retry once.
 * A malformed one (a stored value edited by hand) is a 400 whose message names the sender.
 */
function isSenderProblem(o: StreamOutcome): boolean {
  if (o.kind !== 'failed' || o.status === undefined) return false;
  if (o.status === 401 || o.status === 403) return true;
  return o.status >= 400 && o.status < 500 && /sender/i.test(o.code + o.message);
}

export class ConversationController implements ReactiveController {
  transcript: Transcript;
  sender: string | null = null;
  /** Media origins the relay announced with the sender (the platform's media host). */
  mediaOrigins: readonly string[] = NO_ORIGINS;
  /** The relay's text limit (`RELAY_MAX_TEXT_CHARS`), announced with the sender. */
  maxChars = MAX_TEXT_CHARS;
  /** A hidden send (welcome, profile) is out and no bot content has arrived yet. */
  hiddenPending = false;
  /** Sends waiting for the current answer to end, oldest first. */
  queued: readonly QueuedSend[] = [];

  readonly #host: ConversationHost;
  readonly #cb: ConversationCallbacks;
  #run = 0;
  #abortCtl: AbortController | null = null;
  #busy = false;
  #currentHidden = false;
  #started = false;
  /** Disconnected from the page (and not connected again since). */
  #detached = false;
  /** The last hidden send failed (cleared by the next run or a restart). */
  hiddenFailure: HiddenFailure | null = null;
  readonly #now: () => number;

  constructor(host: ConversationHost, cb: ConversationCallbacks = {}, now: () => number = () => Date.now()) {
    this.#host = host;
    this.#cb = cb;
    this.#now = now;
    this.transcript = createTranscript({ deltaUnit: host.deltaUnit });
    host.addController(this);
  }

  /** True while a request is out or an answer streams. */
  get inFlight(): boolean {
    return this.#busy;
  }

  /** An answer to something the visitor sent is on its way (the welcome does not count): Stop applies. */
  get stoppable(): boolean {
    return this.#busy && !this.#currentHidden;
  }

  /**
   * A hidden send whose answer came in part (the welcome cut, then a notice): that notice,
   * and the send its retry is. The reducer saw no send for it, so the notice's own retry is
   * an earlier turn's, or none.
   */
  #hiddenCut: { notice: Notice; data: OutgoingData } | null = null;

  /** What the retry button sends: a failed hidden send, or the reducer's notice. */
  get retryData(): OutgoingData | null {
    return this.hiddenFailure?.data ?? this.#hiddenRetry() ?? this.transcript.notice?.retry ?? null;
  }

  #hiddenRetry(): OutgoingData | null {
    const cut = this.#hiddenCut;
    return cut && cut.notice === this.transcript.notice ? cut.data : null;
  }

  hostConnected(): void {
    // Nothing else: the host calls start() when the panel is first shown.
    this.#detached = false;
  }

  hostDisconnected(): void {
    this.#detached = true;
    this.#started = false;
    if (!this.#busy) return;
    // The page removed the element: end the run and keep what was shown. Moved in the page
    // (disconnected and connected again in the same task): the answer goes on.
    const run = this.#run;
    queueMicrotask(() => {
      if (!this.#detached || run !== this.#run || !this.#busy) return;
      this.#run++;
      this.#abortCtl?.abort();
      this.#abortCtl = null;
      this.#busy = false;
      this.hiddenPending = false;
      this.apply({ type: 'stream-aborted', at: this.#now() });
    });
  }

  /** Replace the state with a restored one (persistence), before anything was sent. */
  restore(transcript: Transcript, sender: string | null): void {
    this.transcript = transcript;
    this.sender = sender;
    if (transcript.status !== 'idle') {
      // A reload in the middle of an answer: it will never continue, show it incomplete.
      this.apply({ type: 'stream-aborted', at: this.#now() });
    }
  }

  /** First show: send the welcome payload unless this conversation already started. */
  start(): void {
    // A removed element sends nothing (its updates still run); put back, it starts again.
    if (this.#started || this.#detached) return;
    this.#started = true;
    if (this.#busy) return;
    if (this.transcript.messages.length === 0) {
      // The element's attributes are read by now (the constructor saw only the defaults).
      if (this.transcript.deltaUnit !== this.#host.deltaUnit) this.transcript = createTranscript({ deltaUnit: this.#host.deltaUnit });
      this.send(this.#welcome(), true);
    } else this.#drain(); // what the visitor queued before the page removed the element and put it back
  }

  /** Reduce one event and tell the host. Exposed for connectivity and tests. */
  apply(event: ConversationEvent): void {
    const prev = this.transcript;
    const next = reduce(prev, event);
    if (next === prev) return;
    this.transcript = next;
    if (this.hiddenPending && next.messages.length > prev.messages.length) this.hiddenPending = false;
    this.#cb.onTranscript?.(prev, next);
    this.#host.requestUpdate();
  }

  send(raw: OutgoingData, hidden = false): SendResult {
    // Pages call this untyped (IndigoChat.sendPayload('x', 42)): a malformed send is refused
    // here, or the relay's 400 would mark the message before it failed and offer to resend it.
    const data = cleanOutgoing(raw);
    if (!data || (data.type === 'text' && data.text.trim() === '')) return 'rejected';
    if (this.#busy) {
      this.queued = [...this.queued, { data, hidden }];
      this.#host.requestUpdate();
      return 'queued';
    }
    void this.#execute(data, hidden);
    return 'sent';
  }

  /**
   * The visitor pressed Stop: abort the request in flight (the relay aborts upstream when
   * the browser leaves), keep what was shown and mark the answer stopped. Queued sends
   * then go out as usual. Returns false when nothing was in flight.
   */
  stop(): boolean {
    if (!this.stoppable) return false;
    this.#run++;
    this.#abortCtl?.abort();
    this.#abortCtl = null;
    this.#busy = false;
    this.hiddenPending = false;
    this.apply({ type: 'stream-aborted', reason: 'stopped', at: this.#now() });
    this.#host.requestUpdate();
    this.#drain();
    return true;
  }

  /** Resend what the notice offers. */
  retry(): SendResult {
    const data = this.retryData;
    if (!data) return 'rejected';
    return this.send(data, this.hiddenFailure !== null || this.#hiddenRetry() !== null);
  }

  /** New conversation: abort, forget the sender, empty transcript, welcome again. */
  restart(): void {
    const prev = this.transcript;
    this.reset();
    this.#cb.onSender?.(null);
    this.#cb.onTranscript?.(prev, this.transcript);
    this.start();
  }

  /**
   * Another conversation (the element moved to another relay or id): the run and its
   * queue end, nothing of this one is kept, and nothing is said or saved; the next start()
   * (the chat shown) sends the welcome unless a restored conversation is there.
   */
  reset(): void {
    this.#run++;
    this.#abortCtl?.abort();
    this.#abortCtl = null;
    this.#busy = false;
    this.hiddenPending = false;
    this.hiddenFailure = null;
    this.#hiddenCut = null;
    this.queued = [];
    this.sender = null;
    this.transcript = createTranscript({ deltaUnit: this.#host.deltaUnit });
    this.#started = false;
    this.#host.requestUpdate();
  }

  async #ensureSender(signal: AbortSignal, fresh: boolean): Promise<string> {
    if (this.sender && !fresh) return this.sender;
    const sender = await createSession(this.#host.relay, {
      signal,
      ...(this.#host.fetchImpl ? { fetch: this.#host.fetchImpl } : {}),
      onAnnounced: (origins, max) => {
        this.mediaOrigins = Object.freeze(origins);
        this.maxChars = max ?? MAX_TEXT_CHARS;
      },
    });
    this.sender = sender;
    this.#cb.onSender?.(sender);
    return sender;
  }

  async #execute(data: OutgoingData, hidden: boolean): Promise<void> {
    const id = ++this.#run;
    const ctl = new AbortController();
    this.#abortCtl = ctl;
    this.#busy = true;
    this.#currentHidden = hidden;
    this.hiddenFailure = null;
    this.#hiddenCut = null;
    const stale = () => id !== this.#run;
    if (hidden) {
      this.hiddenPending = true;
      this.#host.requestUpdate();
    } else {
      this.apply({ type: 'send', data, at: this.#now() });
    }
    try {
      let outcome: StreamOutcome;
      try {
        outcome = await this.#attempt(data, ctl.signal, false, stale);
        if (!stale() && isSenderProblem(outcome)) {
          // The relay no longer accepts this sender (expired key, other browser): one retry.
          outcome = await this.#attempt(data, ctl.signal, true, stale);
        }
      } catch (e) {
        const err = e instanceof TransportError ? e : new TransportError('session', String(e));
        outcome =
          err.code === 'aborted'
            ? { kind: 'aborted', chunks: 0 }
            : { kind: 'failed', chunks: 0, code: err.code === 'network' ? 'network' : `session-${err.code}`, message: err.message };
      }
      if (stale()) return;
      this.#finish(outcome, data, hidden);
    } finally {
      if (!stale()) {
        this.#busy = false;
        this.hiddenPending = false;
        this.#abortCtl = null;
        this.#host.requestUpdate();
        this.#drain();
      }
    }
  }

  async #attempt(data: OutgoingData, signal: AbortSignal, fresh: boolean, stale: () => boolean): Promise<StreamOutcome> {
    const sender = await this.#ensureSender(signal, fresh);
    const options = {
      signal,
      // The message before this send's is an answer the visitor stopped: the relay must not
      // show what the bot adds to it (polled platforms; docs/decisions/stop-on-polled-platforms.md).
      // This send's own message is the last one, if it shows one (a profile or hidden send does not).
      stopped: (this.transcript.messages.at(this.transcript.messages.at(-1)?.role === 'user' ? -2 : -1) as BotMessage | undefined)?.stopped,
      ...(this.#host.timeouts ? { timeouts: this.#host.timeouts } : {}),
      ...(this.#host.fetchImpl ? { fetch: this.#host.fetchImpl } : {}),
      onChunk: (chunk: Chunk) => {
        if (!stale()) this.apply({ type: 'chunk', chunk, at: this.#now() });
      },
    };
    const welcome = this.#welcome();
    // A new sender is a new conversation upstream, which must start with the welcome
    // payload (the Chat API seed); its greeting is already on screen: not shown again.
    if (fresh && !sameOutgoing(data, welcome)) await streamReply(this.#host.relay, sender, welcome, { ...options, onChunk() {} });
    return streamReply(this.#host.relay, sender, data, options);
  }

  #welcome(): OutgoingData {
    return { type: 'payload', payload: this.#host.welcome, label: 'START' };
  }

  #finish(outcome: StreamOutcome, data: OutgoingData, hidden: boolean): void {
    const notice = this.transcript.notice;
    this.#settle(outcome, data, hidden);
    // Its answer came in part and a notice says so: its retry is this hidden send again.
    const now = this.transcript.notice;
    if (hidden && now && now !== notice && now.kind !== 'offline') this.#hiddenCut = { notice: now, data };
  }

  #settle(outcome: StreamOutcome, data: OutgoingData, hidden: boolean): void {
    const at = this.#now();
    if (hidden && outcome.chunks === 0 && (outcome.kind === 'failed' || outcome.kind === 'timeout')) {
      // Nothing of the hidden send's answer exists in the transcript: report it here only.
      const code = outcome.kind === 'failed' ? outcome.code : 'timeout';
      const message = outcome.kind === 'failed' ? outcome.message : 'The answer took too long';
      this.hiddenFailure = { kind: outcome.kind, code, message, data };
      this.#cb.onError?.(code, message);
      return;
    }
    switch (outcome.kind) {
      case 'ended': {
        // The body ended; without processing.end the reducer keeps what came and says the
        // answer may be incomplete (or that none arrived). Tell the page too: a connection
        // that died mid-answer is an error, not a normal end.
        const before = this.transcript.notice;
        this.apply({ type: 'stream-ended', at });
        const notice = this.transcript.notice;
        if (notice && notice !== before && (notice.kind === 'incomplete' || notice.kind === 'send-failed')) {
          this.#cb.onError?.(notice.kind === 'incomplete' ? 'incomplete' : 'no-answer', notice.message);
        }
        break;
      }
      case 'aborted':
        this.apply({ type: 'stream-aborted', at });
        break;
      case 'timeout':
        // Only an answer cut before its processing.end: the transport ends the stream there,
        // even when the body stays open (a late close, a proxy holding the connection).
        this.apply({ type: 'stream-timeout', at });
        this.#cb.onError?.('timeout', 'The answer took too long');
        break;
      case 'failed':
        // A profile the relay refuses as such (400: a platform with no place for it) fails
        // the same on every retry, and the visitor sent nothing: the page hears it, no notice.
        this.apply(
          data.type === 'profile' && outcome.status === 400
            ? { type: 'stream-aborted', at }
            : { type: 'send-failed', message: outcome.message, at, retryAfter: outcome.retryAfter },
        );
        this.#cb.onError?.(outcome.code, outcome.message);
        break;
    }
  }

  #drain(): void {
    const [next, ...rest] = this.queued;
    if (!next) return;
    this.queued = rest;
    void this.#execute(next.data, next.hidden);
  }
}
