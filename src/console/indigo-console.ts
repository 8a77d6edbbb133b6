/**
 * The owner console's browser app (its own entry, never in the widget's bundle): platform
 * analytics as charts with table views, conversations shown with the widget's own block
 * renderer (read-only), exports, and the relay's own figures. It talks only to the
 * console's JSON routes (same origin, session cookie); the PAT stays on the server.
 */
import { html, LitElement, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { blockStyles, renderBotBlocks } from '../components/blocks/render-blocks.js';
import { ensureSanitizer, sanitizerStatus } from '../html/sanitize.js';
import { DAY_MS, isoDay, type AnalyticsEndpoint, type AnalyticsRow } from '../core/platform/analytics.js';
import { renderChart, type ChartSpec } from './charts.js';
import { consoleStyles } from './console.styles.js';
import { toSegments } from './platform-content.js';
import type { Connection, ConversationNode, MessageNode } from '../core/platform/graphql-types.js';

interface AnalyticsAnswer {
  from: string;
  to: string;
  series: Partial<Record<AnalyticsEndpoint, AnalyticsRow[]>>;
  errors: Partial<Record<AnalyticsEndpoint, { status: number; message: string; retryAfter?: number }>>;
}
interface RelayAnswer {
  figures: {
    since: number;
    replies: { total: number; ok: number; failed: number; byCode: Record<string, number> };
    firstChunkMs: { count: number; p50: number | null; p95: number | null };
    degradedGenerations: number;
  };
  feedback: {
    up: number;
    down: number;
    csatCount: number;
    csatAverage: number | null;
    reasons: Record<string, number>;
    comments: { messageId: string; kind: string; value: string | number; comment: string; at: number }[];
    outbox: { pending: number; failed: number };
  };
  retentionDays: number;
}

type Tab = 'analytics' | 'conversations' | 'relay';
/** Feedback values read as a thumb up or down (the platform's, or the relay's `up`/`down`). */
const POSITIVE: readonly unknown[] = ['positive', 'up', 1, true];
const NEGATIVE: readonly unknown[] = ['negative', 'down', -1, 0, false];
const TABS: readonly [Tab, string][] = [
  ['analytics', 'Analytics'],
  ['conversations', 'Conversations'],
  ['relay', 'Relay'],
];

const COLORS = { a: '#3a2ecc', b: '#0f8b8d', up: '#1a7f37', down: '#c62828', c: '#b35c00' };
const noop = () => {};
/**
 * A platform time as shown: the seed's `insertedAt` carries no zone and is UTC (its example
 * matches the message's epoch `timestamp`), so it says so; one with a zone stays as written.
 */
const shownTime = (at: string): string => {
  const t = at.replace('T', ' ');
  return /(Z|[+-]\d\d:?\d\d)$/i.test(at) ? t : `${t} UTC`;
};

export class IndigoConsole extends LitElement {
  static override get styles(): CSSResultGroup {
    return [consoleStyles, blockStyles];
  }

  /** The console's JSON API base, e.g. `/console/api`. */
  @property() api = '/console/api';

  @state() private tab: Tab = 'analytics';
  @state() private from = isoDay(Date.now() - 29 * DAY_MS);
  /** Inclusive in the form; the API's `to` is exclusive (the next day). */
  @state() private until = isoDay(Date.now());
  @state() private analytics: AnalyticsAnswer | null = null;
  @state() private analyticsError = '';
  @state() private loading = false;
  @state() private conversations: Connection<ConversationNode> | null = null;
  @state() private cursors: (string | null)[] = [null];
  @state() private openId: string | null = null;
  @state() private messages: MessageNode[] = [];
  @state() private olderCursor: string | null = null;
  /** A page of older messages is on its way (a second "Load older" would ask for the same). */
  @state() private loadingOlder = false;
  /** A page of the conversation list is on its way. */
  @state() private loadingList = false;
  /** The open conversation's message count: 'loading' until its first page is in (the last
   * conversation's count stayed in the header meanwhile), null if that page failed. */
  @state() private totalMessages: number | 'loading' | null = 'loading';
  @state() private relay: RelayAnswer | null = null;
  @state() private error = '';
  /**
   * Counts the conversations opened: a messages page answered after another one was opened
   * (or the same one again) is for a transcript no longer shown, and is dropped.
   */
  private transcriptGeneration = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadAnalytics();
    // Without the native HTML Sanitizer (Safari) bot answers wait for the DOMPurify chunk.
    if (sanitizerStatus() !== 'ready') void ensureSanitizer().then(this.refresh, this.refresh);
  }

  private readonly refresh = (): void => this.requestUpdate();

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.api}${path}`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    const body = (await res.json().catch(() => null)) as { error?: { message?: string; status?: number } } | null;
    if (res.status === 401) {
      location.reload();
      throw new Error('Signed out.');
    }
    if (!res.ok) {
      const e = body?.error;
      throw new Error(`${e?.message ?? `HTTP ${res.status}`}${e?.status ? ` (platform answered ${e.status})` : ''}`);
    }
    return body as T;
  }

  private select(tab: Tab): void {
    this.tab = tab;
    this.error = '';
    if (tab === 'conversations' && !this.conversations) void this.loadConversations(null);
    if (tab === 'relay') void this.loadRelay();
  }

  private onTabKey = (e: KeyboardEvent): void => {
    const i = TABS.findIndex(([t]) => t === this.tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (next < 0) return;
    e.preventDefault();
    this.select(TABS[next]![0]);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus());
  };

  private async loadAnalytics(): Promise<void> {
    this.loading = true;
    this.analyticsError = '';
    try {
      const to = isoDay(Date.parse(`${this.until}T00:00:00Z`) + DAY_MS);
      this.analytics = await this.get<AnalyticsAnswer>(`/analytics?from=${encodeURIComponent(this.from)}&to=${encodeURIComponent(to)}`);
    } catch (e) {
      this.analyticsError = (e as Error).message;
    } finally {
      this.loading = false;
    }
  }

  /**
   * One page of the list at a time: a second Newer / Older while one loads would push the
   * same cursor twice (the page count off by one) or let a slower answer land last.
   */
  /** The list's page after `cursors`' last one; the pager moves only once it has loaded. */
  private async loadConversations(after: string | null, cursors = this.cursors): Promise<void> {
    this.loadingList = true;
    try {
      this.conversations = await this.get<Connection<ConversationNode>>(
        `/conversations${after ? `?after=${encodeURIComponent(after)}` : ''}`,
      );
      this.cursors = cursors;
      this.error = '';
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.loadingList = false;
    }
  }

  private pageList(cursors: (string | null)[]): void {
    if (this.loadingList) return;
    void this.loadConversations(cursors.at(-1) ?? null, cursors);
  }

  private async openConversation(id: string): Promise<void> {
    const generation = ++this.transcriptGeneration;
    this.openId = id;
    this.messages = [];
    this.olderCursor = null;
    this.loadingOlder = false;
    this.totalMessages = 'loading';
    await this.loadMessages(null);
    if (generation !== this.transcriptGeneration) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#transcript-title')?.focus();
  }

  private async loadMessages(before: string | null): Promise<void> {
    if (!this.openId) return;
    const generation = this.transcriptGeneration;
    try {
      const page = await this.get<Connection<MessageNode>>(
        `/conversations/${this.openId}/messages${before ? `?before=${encodeURIComponent(before)}` : ''}`,
      );
      if (generation !== this.transcriptGeneration) return;
      // Pages come newest first; the transcript reads oldest first. The platform's cursors are
      // opaque: a page overlapping what is shown adds each message once.
      const shown = new Set(this.messages.map((m) => m.id));
      const older = page.edges.map((e) => e.node).filter((m) => !shown.has(m.id));
      this.messages = [...older.reverse(), ...this.messages];
      // The same cursor back, or a page with nothing new: a platform repeating itself (the
      // button would fetch the same page for ever).
      const next = page.pageInfo.endCursor;
      this.olderCursor = page.pageInfo.hasNextPage && next !== before && older.length > 0 ? next : null;
      this.totalMessages = page.totalCount;
      this.error = '';
    } catch (e) {
      if (generation !== this.transcriptGeneration) return;
      this.error = (e as Error).message;
      if (this.totalMessages === 'loading') this.totalMessages = null;
    }
  }

  private async loadOlder(): Promise<void> {
    if (this.loadingOlder || !this.olderCursor) return;
    const generation = this.transcriptGeneration;
    this.loadingOlder = true;
    try {
      await this.loadMessages(this.olderCursor);
    } finally {
      // Opening another conversation already cleared it, and that one may be loading its own.
      if (generation === this.transcriptGeneration) this.loadingOlder = false;
    }
    // The last page: the button goes, and a keyboard user's focus with it; it lands on the
    // transcript's heading instead of the page's body.
    if (generation === this.transcriptGeneration && !this.olderCursor) {
      await this.updateComplete;
      if (!(this.renderRoot as ShadowRoot).activeElement) this.renderRoot.querySelector<HTMLElement>('#transcript-title')?.focus();
    }
  }

  private async loadRelay(): Promise<void> {
    try {
      this.relay = await this.get<RelayAnswer>('/relay');
      this.error = '';
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  // --- rendering -----------------------------------------------------------------------------

  private charts(a: AnalyticsAnswer): ChartSpec[] {
    const rows = (e: AnalyticsEndpoint) => a.series[e] ?? [];
    const fallbackDates = (rows('chats').length ? rows('chats') : rows('messages')).map((r) => r.date);
    /** One chart of one endpoint: `[label, field, colour]` per series. */
    const chart = (
      id: string,
      title: string,
      kind: 'bar' | 'line',
      e: AnalyticsEndpoint,
      series: [string, string, string, string?][],
      yMax?: number,
    ): ChartSpec => {
      const x = a.errors[e];
      return {
        id: `chart-${id}`,
        title,
        kind,
        dates: rows(e).length ? rows(e).map((r) => r.date) : fallbackDates,
        series: series.map(([label, field, color, weight]) => {
          const values = (f: string) => rows(e).map((r) => (typeof r[f] === 'number' ? r[f] : null));
          return { label, color, values: values(field), ...(weight ? { weights: values(weight) } : {}) };
        }),
        ...(yMax === undefined ? {} : { yMax }),
        error: x
          ? `The platform refused: ${x.status ? `HTTP ${x.status}, ` : ''}“${x.message}”${x.retryAfter ? ` (retry after ${x.retryAfter} s)` : ''}.`
          : undefined,
      };
    };
    return [
      chart('chats', 'Chats', 'bar', 'chats', [['Chats', 'chats', COLORS.a]]),
      chart('messages', 'Messages', 'line', 'messages', [
        ['Inbound', 'inbound_messages', COLORS.a],
        ['Outbound', 'outbound_messages', COLORS.b],
      ]),
      chart('thumbs', 'Feedback 👍 / 👎', 'bar', 'messages', [
        ['👍 Positive', 'positive_feedback', COLORS.up],
        ['👎 Negative', 'negative_feedback', COLORS.down],
      ]),
      chart('handover', 'Human handover', 'bar', 'messages', [
        ['Requests', 'ht_requests', COLORS.c],
        ['Started', 'ht_starts', COLORS.b],
      ]),
      chart('users', 'Returning users', 'bar', 'users', [['Returning users', 'returning_users', COLORS.b]]),
      chart('csat', 'CSAT (1–5)', 'line', 'csat', [['Average score', 'avg_score', COLORS.c, 'total']], 5),
      chart('csat-count', 'CSAT responses', 'bar', 'csat', [['Responses', 'total', COLORS.c]]),
      chart('quality', 'AI quality (0–100)', 'line', 'ai_quality', [['AI quality', 'avg_score', COLORS.a, 'total']], 100),
      chart('errors', 'Technical errors', 'bar', 'errors', [['API errors', 'api_errors', COLORS.down]]),
    ];
  }

  private renderAnalytics(): TemplateResult {
    const a = this.analytics;
    // An endpoint the platform refused has no total (its chart says why): not a 0.
    const sum = (e: AnalyticsEndpoint, f: string) =>
      a?.errors[e] ? '—' : (a?.series[e] ?? []).reduce((n, r) => n + (typeof r[f] === 'number' ? r[f] : 0), 0);
    return html`<form
        class="toolbar"
        aria-label="Date range"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.loadAnalytics();
        }}
      >
        <label
          >From
          <input
            type="date"
            name="from"
            .value=${this.from}
            required
            @change=${(e: Event) => (this.from = (e.target as HTMLInputElement).value)}
        /></label>
        <label
          >To (included)
          <input
            type="date"
            name="until"
            .value=${this.until}
            required
            @change=${(e: Event) => (this.until = (e.target as HTMLInputElement).value)}
        /></label>
        <button class="btn" type="submit" ?disabled=${this.loading}>${this.loading ? 'Loading…' : 'Show'}</button>
        ${[7, 30, 90].map(
          (d) =>
            html`<button
              class="btn secondary"
              type="button"
              @click=${() => {
                this.from = isoDay(Date.now() - (d - 1) * DAY_MS);
                this.until = isoDay(Date.now());
                void this.loadAnalytics();
              }}
            >
              Last ${d} days
            </button>`,
        )}
      </form>
      ${this.analyticsError ? html`<p class="error" role="alert">${this.analyticsError}</p>` : nothing}
      ${
        a
          ? html`<ul class="kpis" aria-label="Totals for the range">
                <li><b>${sum('chats', 'chats')}</b>chats</li>
                <li><b>${sum('messages', 'inbound_messages')}</b>visitor messages</li>
                <li><b>${sum('messages', 'positive_feedback')} / ${sum('messages', 'negative_feedback')}</b>👍 / 👎</li>
                <li><b>${sum('csat', 'total')}</b>CSAT responses</li>
                <li><b>${sum('errors', 'api_errors')}</b>technical errors</li>
              </ul>
              <div class="grid">${this.charts(a).map(renderChart)}</div>`
          : nothing
      }`;
  }

  private renderFeedback(f: unknown): TemplateResult | typeof nothing {
    if (!f || typeof f !== 'object') return nothing;
    const r = f as { value?: unknown; reasons?: unknown; comment?: unknown };
    // The seed shows only `"feedback": null`: a value read as neither says what it is, never a guessed 👎.
    const value = typeof r.value === 'string' ? r.value.toLowerCase() : r.value;
    const kind = POSITIVE.includes(value) ? 'positive' : NEGATIVE.includes(value) ? 'negative' : 'other';
    const label = { positive: '👍 Helpful', negative: '👎 Not helpful', other: `Feedback: ${JSON.stringify(f).slice(0, 120)}` }[kind];
    const reasons = Array.isArray(r.reasons) ? r.reasons.map(String).join(', ') : '';
    const comment = typeof r.comment === 'string' ? r.comment : '';
    return html`<span class="feedback-badge ${kind}" data-feedback=${kind}
      >${label}${kind !== 'other' && reasons ? html` · ${reasons}` : nothing}${
        kind !== 'other' && comment ? html` · “${comment}”` : nothing
      }</span
    >`;
  }

  private renderMessage(m: MessageNode): TemplateResult {
    const time = shownTime(m.insertedAt);
    if (m.sender) {
      const c = (m.content ?? {}) as { text?: unknown; hidden?: unknown };
      const text = typeof c.text === 'string' ? c.text : '';
      return html`<li class="msg user" data-message-id=${m.id}>
        <div class="who">Visitor · ${time}</div>
        <div class="user-bubble ${c.hidden ? 'hidden-msg' : ''}">${c.hidden ? `(hidden) ${text}` : text}</div>
      </li>`;
    }
    const at = Date.parse(`${m.insertedAt}Z`) || 0;
    const sanitizer = sanitizerStatus();
    if (sanitizer === 'idle' || sanitizer === 'loading')
      return html`<li class="msg bot" data-message-id=${m.id} aria-busy="true"><div class="who">Assistant · ${time}</div></li>`;
    return html`<li class="msg bot" data-message-id=${m.id}>
      <div class="who">Assistant · ${time}</div>
      ${toSegments(m.id, m.content, at).map((s) =>
        s.kind === 'unknown'
          ? html`<div class="unknown-block" role="note">Block of type “${s.type}” (not shown by the widget)</div>`
          : renderBotBlocks(s.message, {
              lang: 'en',
              mediaOrigins: [location.origin],
              activeActionsId: null,
              activeMessageId: null,
              onPayload: noop,
              onWarning: noop,
            }),
      )}
      ${this.renderFeedback(m.feedback)}
    </li>`;
  }

  private renderConversations(): TemplateResult {
    const c = this.conversations;
    const after = this.cursors.at(-1) ?? null;
    const q = (format: string) => `format=${format}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    // Older only with a cursor not met before: without one (or with one again) it showed the
    // same page once more, counted as the next.
    const next = c?.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
    const olderCursor = next && !this.cursors.includes(next) ? next : null;
    return html`<div class="split">
      <section class="box" aria-labelledby="conv-title">
        <h3 id="conv-title">Conversations ${c ? html`<small>(${c.totalCount})</small>` : nothing}</h3>
        ${
          c
            ? html`<ul class="conv-list">
                  ${c.edges.map(
                    ({ node }) =>
                      html`<li>
                        <button
                          type="button"
                          aria-current=${this.openId === node.conversationId ? 'true' : 'false'}
                          @click=${() => this.openConversation(node.conversationId)}
                        >
                          #${node.conversationId}<small>${node.insertedAt ? shownTime(node.insertedAt) : ''}</small>
                        </button>
                      </li>`,
                  )}
                </ul>
                <div class="pager">
                  <button
                    class="btn secondary"
                    type="button"
                    aria-disabled=${this.loadingList || this.cursors.length <= 1 ? 'true' : nothing}
                    @click=${() => this.cursors.length > 1 && this.pageList(this.cursors.slice(0, -1))}
                  >
                    Newer
                  </button>
                  <span>Page ${this.cursors.length}</span>
                  <button
                    class="btn secondary"
                    type="button"
                    aria-disabled=${this.loadingList || !olderCursor ? 'true' : nothing}
                    @click=${() => olderCursor && this.pageList([...this.cursors, olderCursor])}
                  >
                    Older
                  </button>
                </div>
                <div class="exports">
                  Export this page:
                  <a class="button secondary" href="${this.api}/conversations/export?${q('jsonl')}" download>JSONL</a>
                  <a class="button secondary" href="${this.api}/conversations/export?${q('csv')}" download>CSV</a>
                </div>`
            : html`<p>Loading…</p>`
        }
      </section>
      <section class="box" aria-labelledby="transcript-title">
        ${
          this.openId
            ? html`<h3 id="transcript-title" tabindex="-1">
                  Conversation #${this.openId}
                  ${
                    this.totalMessages === 'loading'
                      ? html`<small>(loading…)</small>`
                      : this.totalMessages === null
                        ? nothing
                        : html`<small>(${this.totalMessages} ${this.totalMessages === 1 ? 'message' : 'messages'})</small>`
                  }
                </h3>
                <div class="exports">
                  Export:
                  <a class="button secondary" href="${this.api}/conversations/${this.openId}/export?format=jsonl" download>JSONL</a>
                  <a class="button secondary" href="${this.api}/conversations/${this.openId}/export?format=csv" download>CSV</a>
                </div>
                ${
                  this.olderCursor
                    ? // aria-disabled, not disabled: a disabled button would drop a keyboard user's focus.
                      html`<button
                        class="btn secondary"
                        type="button"
                        aria-busy=${this.loadingOlder ? 'true' : 'false'}
                        aria-disabled=${this.loadingOlder ? 'true' : nothing}
                        @click=${() => this.loadOlder()}
                      >
                        Load older messages
                      </button>`
                    : typeof this.totalMessages === 'number' && this.messages.length < this.totalMessages
                      ? // The seed pages back with `before`/`endCursor`/`hasNextPage`; a platform
                        // paging otherwise ends here: say what is missing, not a whole transcript.
                        html`<p class="paging-note" role="note">
                          Showing the newest ${this.messages.length} of ${this.totalMessages}: the platform offered no older page.
                        </p>`
                      : nothing
                }
                <ol class="transcript" aria-label="Messages, oldest first">
                  ${this.messages.map((m) => this.renderMessage(m))}
                </ol>`
            : html`<h3 id="transcript-title" tabindex="-1">Pick a conversation</h3>`
        }
      </section>
    </div>`;
  }

  private renderRelay(): TemplateResult {
    const r = this.relay;
    if (!r) return html`<p>Loading…</p>`;
    const f = r.feedback;
    const reasons = Object.entries(f.reasons).sort((a, b) => b[1] - a[1]);
    const codes = Object.entries(r.figures.replies.byCode).sort((a, b) => b[1] - a[1]);
    const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);
    return html`<p>
        This relay instance since ${new Date(r.figures.since).toISOString().replace('T', ' ').slice(0, 19)} UTC; feedback kept
        ${r.retentionDays} days.
      </p>
      <ul class="kpis" aria-label="Relay figures">
        <li><b>${r.figures.replies.total}</b>replies served</li>
        <li><b>${r.figures.replies.ok}</b>streamed</li>
        <li><b>${r.figures.replies.failed}</b>failed</li>
        <li><b>${ms(r.figures.firstChunkMs.p50)}</b>first chunk p50</li>
        <li><b>${ms(r.figures.firstChunkMs.p95)}</b>first chunk p95</li>
        <li><b>${r.figures.degradedGenerations}</b>degraded generations</li>
        <li><b>${f.up} / ${f.down}</b>👍 / 👎 received</li>
        <li><b>${f.csatAverage ?? '—'}</b>CSAT average (${f.csatCount})</li>
        <li><b>${f.outbox.pending} / ${f.outbox.failed}</b>webhook pending / failed</li>
      </ul>
      <div class="grid">
        <section class="box" aria-labelledby="codes-title">
          <h3 id="codes-title">Failed replies by error code</h3>
          ${
            codes.length
              ? html`<table>
                  <thead>
                    <tr>
                      <th scope="col">Code</th>
                      <th scope="col">Replies</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${codes.map(
                      ([c, n]) =>
                        html`<tr>
                          <td>${c}</td>
                          <td>${n}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
              : html`<p>None.</p>`
          }
        </section>
        <section class="box" aria-labelledby="reasons-title">
          <h3 id="reasons-title">Top reasons for 👎</h3>
          ${
            reasons.length
              ? html`<table>
                  <thead>
                    <tr>
                      <th scope="col">Reason</th>
                      <th scope="col">Votes</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${reasons.map(
                      ([c, n]) =>
                        html`<tr>
                          <td>${c}</td>
                          <td>${n}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
              : html`<p>None yet.</p>`
          }
        </section>
        <section class="box" aria-labelledby="comments-title">
          <h3 id="comments-title">Latest comments</h3>
          ${
            f.comments.length
              ? html`<ul class="comments">
                  ${f.comments.map((c) => html`<li>${c.kind === 'csat' ? `CSAT ${c.value}` : c.value === 'up' ? '👍' : '👎'} “${c.comment}” <small>${new Date(c.at).toISOString().slice(0, 16).replace('T', ' ')}</small></li>`)}
                </ul>`
              : html`<p>None yet.</p>`
          }
        </section>
      </div>`;
  }

  protected override render(): TemplateResult {
    return html`<div role="tablist" aria-label="Console sections" @keydown=${this.onTabKey}>
        ${TABS.map(
          ([t, label]) =>
            html`<button
              role="tab"
              id="tab-${t}"
              aria-controls="panel-${t}"
              aria-selected=${this.tab === t ? 'true' : 'false'}
              tabindex=${this.tab === t ? '0' : '-1'}
              @click=${() => this.select(t)}
            >
              ${label}
            </button>`,
        )}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div role="tabpanel" id="panel-${this.tab}" aria-labelledby="tab-${this.tab}">
        ${this.tab === 'analytics' ? this.renderAnalytics() : this.tab === 'conversations' ? this.renderConversations() : this.renderRelay()}
      </div>`;
  }
}
