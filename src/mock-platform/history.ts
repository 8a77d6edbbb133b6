/**
 * What the mock platform "stored": every conversation it served (and a seeded past, so a
 * fresh `npm start` shows a living console), in the shapes of the GraphQL seed
 * (docs/protocol.md, "GraphQL and Analytics"): numeric ids as strings, visitor messages with
 * `content.text`, bot messages with `sender: null` and `content.messages[].messages[]`.
 * The GraphQL endpoint and the Analytics endpoints both read from here, so their numbers
 * agree with each other and with what the demo showed.
 */
import { marked } from 'marked';
import { DAY_MS, isoDay, type AnalyticsEndpoint, type AnalyticsRow } from '../core/platform/analytics.js';
import { conversationKey, parseMessageId } from '../core/platform/message-id.js';
import type { FeedbackDetail } from '../core/platform/feedback.js';
import { resolveMedia, seededRandom } from './reply.js';
import { scenarios, type Scenario, type Step } from './scenarios.js';

export interface MockMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly content: Record<string, unknown>;
  readonly sender: { readonly id: string } | null;
  readonly insertedAt: string;
  readonly at: number;
  feedback: Record<string, unknown> | null;
  read: string | null;
  /** Bot answers: the widget's stable id (message-id.ts). */
  readonly stableId?: string;
}

export interface MockConversation {
  readonly conversationId: string;
  readonly userId: string;
  /** The conversation part of the relay's sender id. */
  readonly key: string;
  readonly startedAt: number;
  /** Chronological (the GraphQL layer serves them newest first). */
  readonly messages: MockMessage[];
  answers: number;
  csat: { score: number; comment: string; at: number } | null;
  handover: { requested: number; started: number };
  errors: number[];
  generated: number;
}

/** Rendered markdown per answer text: the same scenarios render again and again. */
const rendered = new Map<string, string>();
function markdown(md: string): string {
  let out = rendered.get(md);
  if (out === undefined) {
    out = marked.parse(md, { async: false });
    if (rendered.size < 100) rendered.set(md, out);
  }
  return out;
}

/** One block of a bot message in the seed's nested shape. */
type Part = { type: string; data: Record<string, unknown> };

/** The platform's stored content of one bot turn, from the same scenario steps the stream used. */
export function contentFromSteps(steps: readonly Step[], mediaBase: string): Part[] {
  const parts: Part[] = [];
  for (const step of steps) {
    if ('text' in step) parts.push({ type: 'text', data: { text: step.text, is_caption: step.is_caption ?? false } });
    else if ('image' in step) parts.push({ type: 'image', data: { src: resolveMedia(step.image.src, mediaBase), alt: step.image.alt } });
    else if ('video' in step) parts.push({ type: 'video', data: { src: resolveMedia(step.video.src, mediaBase), alt: step.video.alt } });
    else if ('buttons' in step) for (const b of step.buttons) parts.push({ type: 'button', data: { label: b.label, payload: b.payload } });
    else if ('links' in step) for (const l of step.links) parts.push({ type: 'link', data: { label: l.label, url: l.url } });
    else if ('carousel' in step)
      parts.push({
        type: 'carousel',
        data: {
          cards: step.carousel.map((c) => ({
            title: c.title,
            description: c.description,
            image:
              c.image === null
                ? null
                : typeof c.image === 'string'
                  ? resolveMedia(c.image, mediaBase)
                  : { src: resolveMedia(c.image.src, mediaBase), alt: c.image.alt },
            buttons: c.buttons.map((b) => ({ label: b.label, payload: b.payload })),
            links: c.links.map((l) => ({ label: l.label, url: l.url })),
          })),
        },
      });
    else parts.push({ type: 'text', data: { text: markdown(step.generate), is_generated: true } });
  }
  return parts;
}

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export interface HistoryOptions {
  now?: () => number;
  /** Seed of the invented past; default 39. */
  seed?: number;
  /** Past conversations invented at start (default 48; 0 for none). */
  pastConversations?: number;
  mediaBase?: string;
}

export class MockHistory {
  readonly #byKey = new Map<string, MockConversation>();
  readonly #byId = new Map<string, MockConversation>();
  readonly #order: MockConversation[] = [];
  #lastMessageId = 37_029_000_000;
  #lastConversationId = 1_734_000_000;
  #lastUserId = 17_356_390_000;
  readonly now: () => number;
  /** Feedback the relay reported for answers the mock does not (yet) know. */
  readonly #pending = new Map<string, FeedbackDetail>();

  /** The invented past, made on first read (most mock platforms, e.g. in tests, never read it). */
  #past: (() => void) | null;

  constructor(options: HistoryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.#past = () => {
      // Past ids come from lower ranges than live ones, so ids still grow with time.
      const live = [this.#lastMessageId, this.#lastConversationId, this.#lastUserId] as const;
      [this.#lastMessageId, this.#lastConversationId, this.#lastUserId] = [36_000_000_000, 1_700_000_000, 17_000_000_000];
      this.#invent(options.pastConversations ?? 48, options.seed ?? 39, options.mediaBase ?? 'https://platform.invalid/media');
      [this.#lastMessageId, this.#lastConversationId, this.#lastUserId] = live;
      this.#order.sort((a, b) => a.startedAt - b.startedAt);
    };
  }

  #ensurePast(): void {
    const past = this.#past;
    this.#past = null;
    past?.();
  }

  get conversations(): readonly MockConversation[] {
    this.#ensurePast();
    return this.#order;
  }

  conversation(id: string): MockConversation | undefined {
    this.#ensurePast();
    return this.#byId.get(id);
  }

  #open(key: string, at: number, userId?: string): MockConversation {
    let c = this.#byKey.get(key);
    if (!c) {
      c = {
        conversationId: String(++this.#lastConversationId),
        userId: userId ?? String(++this.#lastUserId),
        key,
        startedAt: at,
        messages: [],
        answers: 0,
        csat: null,
        handover: { requested: 0, started: 0 },
        errors: [],
        generated: 0,
      };
      this.#byKey.set(key, c);
      this.#byId.set(c.conversationId, c);
      this.#order.push(c);
    }
    return c;
  }

  /** A visitor message (the seed's `content` of a user message). */
  recordUser(sender: string, data: Record<string, unknown>, at = this.now()): void {
    const c = this.#open(conversationKey(sender) || sender, at);
    if (data['type'] === 'profile') return;
    const { label, payload } = data;
    const text =
      data['type'] === 'text' ? String(data['text']) : typeof label === 'string' ? label : typeof payload === 'string' ? payload : '';
    const hidden = data['type'] === 'payload' && data['payload'] === 'init';
    c.messages.push({
      id: String(++this.#lastMessageId),
      conversationId: c.conversationId,
      content: { hidden, sender: c.userId, text, timestamp: at, type: data['type'] === 'payload' ? 'payload' : 'text' },
      sender: { id: c.userId },
      insertedAt: stamp(at),
      at,
      feedback: null,
      read: null,
    });
  }

  /** A bot turn that showed content; returns its stable id (or null for an empty turn). */
  recordBot(sender: string, scenario: Scenario, payload: string | null, mediaBase: string, at = this.now()): string | null {
    const c = this.#open(conversationKey(sender) || sender, at);
    if (scenario.steps.length === 0) return null;
    c.answers++;
    if (scenario.steps.some((s) => 'generate' in s)) c.generated++;
    if (payload === 'contact') c.handover.requested++;
    const stableId = `${c.key}.${c.answers}.0`;
    const msg: MockMessage = {
      id: String(++this.#lastMessageId),
      conversationId: c.conversationId,
      content: { messages: [{ input: { type: 'text' }, messages: contentFromSteps(scenario.steps, mediaBase) }] },
      sender: null,
      insertedAt: stamp(at),
      at,
      feedback: null,
      read: stamp(at + 1000),
      stableId,
    };
    c.messages.push(msg);
    const early = this.#pending.get(stableId);
    if (early) {
      this.#pending.delete(stableId);
      this.recordFeedback(sender, early, at);
    }
    return stableId;
  }

  recordError(sender: string, at = this.now()): void {
    this.#open(conversationKey(sender) || sender, at).errors.push(at);
  }

  /** Feedback the relay accepted (thumbs on an answer, or the conversation's CSAT). */
  recordFeedback(sender: string, fb: FeedbackDetail, at = this.now()): void {
    const key = conversationKey(sender) || sender;
    const c = this.#byKey.get(key);
    if (fb.kind === 'csat') {
      if (c && typeof fb.value === 'number') c.csat = { score: fb.value, comment: fb.comment, at };
      return;
    }
    const parsed = parseMessageId(fb.messageId);
    if (!parsed || parsed.conversation !== key) return;
    const msg = c?.messages.find((m) => m.stableId === fb.messageId);
    if (!msg) {
      if (this.#pending.size < 1000) this.#pending.set(fb.messageId, fb);
      return;
    }
    msg.feedback = {
      type: 'thumbs',
      value: fb.value === 'up' ? 'positive' : 'negative',
      reasons: [...fb.reasons],
      comment: fb.comment,
      insertedAt: stamp(at),
    };
  }

  /** Zero-filled daily rows for [from, to) (UTC day starts). */
  daily(endpoint: AnalyticsEndpoint, from: number, to: number): AnalyticsRow[] {
    this.#ensurePast();
    const rows: AnalyticsRow[] = [];
    const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
    const firstSeen = new Map<string, number>();
    for (const c of this.#order) {
      const d = dayOf(c.startedAt);
      const prev = firstSeen.get(c.userId);
      if (prev === undefined || d < prev) firstSeen.set(c.userId, d);
    }
    for (let day = from; day < to; day += DAY_MS) {
      const end = day + DAY_MS;
      const inDay = (ms: number) => ms >= day && ms < end;
      const date = isoDay(day);
      switch (endpoint) {
        case 'messages': {
          let inbound = 0,
            outbound = 0,
            up = 0,
            down = 0,
            req = 0,
            starts = 0;
          for (const c of this.#order)
            for (const m of c.messages) {
              if (!inDay(m.at)) continue;
              if (m.sender) {
                if (!m.content['hidden']) inbound++;
              } else {
                outbound++;
                const v = m.feedback?.['value'];
                if (v === 'positive') up++;
                else if (v === 'negative') down++;
              }
            }
          for (const c of this.#order)
            if (inDay(c.startedAt)) {
              req += c.handover.requested;
              starts += c.handover.started;
            }
          rows.push({
            date,
            inbound_messages: inbound,
            outbound_messages: outbound,
            positive_feedback: up,
            negative_feedback: down,
            ht_requests: req,
            ht_starts: starts,
          });
          break;
        }
        case 'chats':
          rows.push({ date, chats: this.#order.filter((c) => inDay(c.startedAt)).length });
          break;
        case 'users': {
          const users = new Set<string>();
          for (const c of this.#order)
            if (c.messages.some((m) => inDay(m.at)) && (firstSeen.get(c.userId) ?? day) < day) users.add(c.userId);
          rows.push({ date, returning_users: users.size });
          break;
        }
        case 'csat': {
          const scores = this.#order.flatMap((c) => (c.csat && inDay(c.csat.at) ? [c.csat.score] : []));
          const avg = scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null;
          rows.push({ date, total: scores.length, avg_score: avg });
          break;
        }
        case 'ai_quality': {
          const total = this.#order.filter((c) => inDay(c.startedAt)).reduce((n, c) => n + c.generated, 0);
          // A stable, plausible score per day (the real one combines grounding, relevance, resolution).
          const score = total ? 70 + ((Math.floor(day / DAY_MS) * 7919) % 26) : null;
          rows.push({ date, total, avg_score: score });
          break;
        }
        case 'errors':
          rows.push({ date, api_errors: this.#order.reduce((n, c) => n + c.errors.filter(inDay).length, 0) });
          break;
      }
    }
    return rows;
  }

  /** A seeded past: conversations over the last 40 days, some returning users, feedback and CSAT. */
  #invent(count: number, seed: number, mediaBase: string): void {
    const random = seededRandom(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const today = Math.floor(this.now() / DAY_MS) * DAY_MS;
    const users: string[] = [];
    const questions: [string, Scenario][] = [
      ['Where is my order?', pick(scenarios.freeText.en)],
      ['Show me your products', scenarios.payloads['carousel'] as Scenario],
      ['Can I talk to a person?', scenarios.payloads['contact'] as Scenario],
      ['Tell me about indigo.ai', scenarios.payloads['llm'] as Scenario],
      ['Vorrei sapere gli orari', pick(scenarios.freeText.it)],
    ];
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(today - Math.floor(random() * 40) * DAY_MS + Math.floor((0.3 + random() * 0.6) * DAY_MS));
    times.sort((a, b) => a - b);
    for (const [i, start] of times.entries()) {
      if (start > this.now()) continue;
      const returning = users.length > 3 && random() < 0.25 ? pick(users) : undefined;
      const key = `past${seed}x${i}`;
      const c = this.#open(key, start, returning);
      if (!returning) users.push(c.userId);
      let at = start;
      this.recordUser(key, { type: 'payload', payload: 'init', label: 'START' }, at);
      this.recordBot(key, scenarios.payloads['init'] as Scenario, 'init', mediaBase, (at += 1500));
      const turns = 1 + Math.floor(random() * 3);
      for (let t = 0; t < turns; t++) {
        const [q, scenario] = pick(questions);
        this.recordUser(key, { type: 'text', text: q }, (at += 20_000 + Math.floor(random() * 60_000)));
        const id = this.recordBot(key, scenario, scenario === scenarios.payloads['contact'] ? 'contact' : null, mediaBase, (at += 2500));
        if (id && random() < 0.45) {
          const up = random() < 0.7;
          this.recordFeedback(
            key,
            {
              kind: 'thumbs',
              value: up ? 'up' : 'down',
              reasons: up ? [] : [pick(['wrong', 'not-helpful', 'other'] as const)],
              comment: up || random() < 0.5 ? '' : 'Not what I asked.',
              messageId: id,
            },
            at + 5000,
          );
        }
      }
      if (c.handover.requested && random() < 0.5) c.handover.started++;
      if (random() < 0.3)
        this.recordFeedback(
          key,
          { kind: 'csat', value: 2 + Math.floor(random() * 4), reasons: [], comment: '', messageId: `${key}.1.0` },
          at + 30_000,
        );
      if (random() < 0.1) this.recordError(key, at + 1000);
    }
  }
}
