/**
 * Fixed-window counters keyed by IP or sender. In memory and bounded: a flood of distinct
 * keys (spoofed senders, many IPs) evicts the oldest windows instead of growing the heap.
 * Per instance only; a fleet of edge isolates needs a shared store, documented in README.
 */
export interface RateDecision {
  readonly ok: boolean;
  /** Seconds until the window resets (for `Retry-After`), >= 1 when refused. */
  readonly retryAfter: number;
}

export class RateLimiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  hit(key: string): RateDecision {
    const t = this.now();
    let w = this.#windows.get(key);
    if (!w || w.resetAt <= t) {
      if (w) this.#windows.delete(key);
      this.#makeRoom(t);
      w = { count: 0, resetAt: t + this.windowMs };
      this.#windows.set(key, w);
    }
    if (w.count >= this.max) return { ok: false, retryAfter: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) };
    w.count++;
    return { ok: true, retryAfter: 0 };
  }

  get size(): number {
    return this.#windows.size;
  }

  #makeRoom(t: number): void {
    if (this.#windows.size < this.maxKeys) return;
    for (const [k, w] of this.#windows) if (w.resetAt <= t) this.#windows.delete(k);
    // Still full: drop the oldest windows (Map keeps insertion order).
    for (const k of this.#windows.keys()) {
      if (this.#windows.size < this.maxKeys) break;
      this.#windows.delete(k);
    }
  }
}
