/**
 * Paces streaming work to at most one run per STREAM_FRAME_MS, on animation frames
 * (docs/decisions/streaming-commit-rate.md). While an answer streams, the element's render
 * and the streaming HTML view's commit each cost a style, layout and paint of the
 * growing bubble: about 3/4 of the widget's main-thread work at 1,000 chunks/s, which
 * is paid per frame, not per chunk. Text shown in ~30 steps a second reads as smooth
 * as 60, and halves that work (a 4x slower phone keeps up instead of dropping frames).
 */
export const STREAM_FRAME_MS = 25;

export class FramePacer {
  #last = -Infinity;
  #waiting: (() => void)[] = [];
  #frame = 0;
  readonly #requestFrame: (cb: (time: number) => void) => number;

  /** `requestFrame`: default `requestAnimationFrame` (tests pass a manual clock). */
  constructor(requestFrame?: (cb: (time: number) => void) => number) {
    this.#requestFrame = requestFrame ?? ((cb) => requestAnimationFrame(cb));
  }

  /** Runs `cb` on the first animation frame at least STREAM_FRAME_MS after the last run. */
  next(cb: () => void): void {
    this.#waiting.push(cb);
    if (this.#frame === 0) this.#frame = this.#requestFrame(this.#tick);
  }

  readonly #tick = (time: number): void => {
    this.#frame = 0;
    if (time - this.#last < STREAM_FRAME_MS) {
      this.#frame = this.#requestFrame(this.#tick);
      return;
    }
    this.#last = time;
    const run = this.#waiting;
    this.#waiting = [];
    for (const cb of run) cb();
  };
}
