/**
 * The relay's own figures for the owner console: replies served by outcome and error code,
 * time to first chunk (p50/p95 over the last 1,000 replies), degraded generations. Per instance, in memory:
 * they describe this process since it started (Prometheus-style fleet metrics are the
 * scale work's `/metrics`).
 */
export interface FiguresSnapshot {
  readonly since: number;
  readonly replies: {
    readonly total: number;
    readonly ok: number;
    readonly failed: number;
    readonly byCode: Readonly<Record<string, number>>;
  };
  readonly firstChunkMs: { readonly count: number; readonly p50: number | null; readonly p95: number | null };
  /** Generations whose deltas stopped applying (the widget showed their raw text instead). */
  readonly degradedGenerations: number;
}

const WINDOW = 1000;

export class RelayFigures {
  readonly since = Date.now();
  #ok = 0;
  #failed = 0;
  readonly #byCode = new Map<string, number>();
  readonly #ttfb: number[] = [];
  #at = 0;
  #degraded = 0;

  degraded(): void {
    this.#degraded++;
  }

  /** One answer to a send: `code` absent means it streamed. */
  reply(code?: string): void {
    if (!code) {
      this.#ok++;
      return;
    }
    this.#failed++;
    this.#byCode.set(code, (this.#byCode.get(code) ?? 0) + 1);
  }

  firstChunk(ms: number): void {
    if (this.#ttfb.length < WINDOW) this.#ttfb.push(ms);
    else this.#ttfb[this.#at++ % WINDOW] = ms;
  }

  snapshot(): FiguresSnapshot {
    const sorted = [...this.#ttfb].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null) : null);
    return {
      since: this.since,
      replies: { total: this.#ok + this.#failed, ok: this.#ok, failed: this.#failed, byCode: Object.fromEntries(this.#byCode) },
      firstChunkMs: { count: sorted.length, p50: pct(0.5), p95: pct(0.95) },
      degradedGenerations: this.#degraded,
    };
  }
}
