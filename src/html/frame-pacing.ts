/**
 * Paces streaming work to at most one run per STREAM_FRAME_MS, on animation frames
 * (docs/decisions/streaming-commit-rate.md). While an answer streams, the element's render
 * and the streaming HTML view's commit each cost a style, layout and paint of the
 * growing bubble: about 3/4 of the widget's main-thread work at 1,000 chunks/s, which
 * is paid per frame, not per chunk. Text shown in ~30 steps a second reads as smooth
 * as 60, and halves that work (a 4x slower phone keeps up instead of dropping frames).
 *
 * A run is not made inside the frame callback but in a task posted from it, so our script
 * and the browser's rendering of what it changed are two tasks, not one long task a key
 * press must wait behind (docs/decisions/commit-after-the-frame.md).
 */
export const STREAM_FRAME_MS = 25;

let port: MessagePort | undefined;
const posted: (() => void)[] = [];

/** Runs `cb` in a task of its own, as soon as the event loop takes one (no timer clamp). */
function postTask(cb: () => void): void {
  if (!port) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => posted.shift()!();
    port = channel.port2;
  }
  posted.push(cb);
  port.postMessage(0);
}

export class FramePacer {
  #last = -Infinity;
  #waiting: (() => void)[] = [];
  #frame = 0;
  readonly #requestFrame: (cb: (time: number) => void) => number;
  readonly #runTask: (cb: () => void) => void;

  /** `requestFrame`: default `requestAnimationFrame`; `runTask`: default a posted task (tests pass manual ones). */
  constructor(requestFrame?: (cb: (time: number) => void) => number, runTask: (cb: () => void) => void = postTask) {
    this.#requestFrame = requestFrame ?? ((cb) => requestAnimationFrame(cb));
    this.#runTask = runTask;
  }

  /** Runs `cb` in a task after the first animation frame at least STREAM_FRAME_MS after the last run's. */
  next(cb: () => void): void {
    this.#waiting.push(cb);
    if (this.#frame === 0) this.#frame = this.#requestFrame(this.#tick);
  }

  readonly #tick = (time: number): void => {
    if (time - this.#last < STREAM_FRAME_MS) {
      this.#frame = this.#requestFrame(this.#tick);
      return;
    }
    this.#last = time;
    // Callbacks asking for a run between this frame and the task join this run: #frame stays
    // set until the task, so no frame is requested for them. Those asking during the run wait
    // for a later frame.
    this.#runTask(() => {
      this.#frame = 0;
      const run = this.#waiting;
      this.#waiting = [];
      for (const cb of run) cb();
    });
  };
}
