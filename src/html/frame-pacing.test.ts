import { describe, expect, test } from 'vitest';
import { FramePacer, STREAM_FRAME_MS } from './frame-pacing.js';

/**
 * Animation frames on a manual clock: `frame(t)` runs the frame callbacks queued so far at
 * time t, then the tasks they posted (`frameOnly(t)` leaves the tasks in `tasks`).
 */
function manualClock() {
  let queue: ((time: number) => void)[] = [];
  const tasks: (() => void)[] = [];
  const clock = {
    request: (cb: (time: number) => void) => queue.push(cb),
    post: (cb: () => void) => void tasks.push(cb),
    tasks,
    frameOnly(time: number) {
      const run = queue;
      queue = [];
      for (const cb of run) cb(time);
    },
    frame(time: number) {
      clock.frameOnly(time);
      while (tasks.length) tasks.shift()!();
    },
    get queued() {
      return queue.length;
    },
  };
  return clock;
}

describe('FramePacer', () => {
  test('runs on the next frame, then at most once per STREAM_FRAME_MS', () => {
    const clock = manualClock();
    const pacer = new FramePacer(clock.request, clock.post);
    const runs: string[] = [];
    pacer.next(() => runs.push('a'));
    pacer.next(() => runs.push('b'));
    expect(clock.queued).toBe(1); // one frame request for both
    clock.frame(1000);
    expect(runs).toEqual(['a', 'b']);
    pacer.next(() => runs.push('c'));
    // Frames come every 16.7 ms: too soon for the next run, which waits for a later frame.
    clock.frame(1000 + STREAM_FRAME_MS / 2);
    expect(runs).toEqual(['a', 'b']);
    expect(clock.queued).toBe(1);
    clock.frame(1000 + STREAM_FRAME_MS);
    expect(runs).toEqual(['a', 'b', 'c']);
    expect(clock.queued).toBe(0);
  });

  test('after a pause the next run is on the very next frame', () => {
    const clock = manualClock();
    const pacer = new FramePacer(clock.request, clock.post);
    let n = 0;
    pacer.next(() => n++);
    clock.frame(0);
    pacer.next(() => n++);
    clock.frame(STREAM_FRAME_MS * 4);
    expect(n).toBe(2);
  });

  test('a callback asking for the next run is queued for a later frame, not run at once', () => {
    const clock = manualClock();
    const pacer = new FramePacer(clock.request, clock.post);
    const times: number[] = [];
    const again = () => {
      times.push(times.length);
      if (times.length < 3) pacer.next(again);
    };
    pacer.next(again);
    for (let t = 0; t < 200; t += 1000 / 60) clock.frame(t);
    expect(times).toEqual([0, 1, 2]);
  });

  test('runs in a task posted from the frame, not in the frame callback; callbacks queued meanwhile join it', () => {
    const clock = manualClock();
    const pacer = new FramePacer(clock.request, clock.post);
    const runs: string[] = [];
    pacer.next(() => runs.push('a'));
    clock.frameOnly(0);
    expect(runs).toEqual([]);
    expect(clock.tasks).toHaveLength(1);
    pacer.next(() => runs.push('b')); // before the task: no new frame, the same run
    expect(clock.queued).toBe(0);
    clock.tasks.shift()!();
    expect(runs).toEqual(['a', 'b']);
    pacer.next(() => runs.push('c'));
    expect(clock.queued).toBe(1);
  });
});
