import { expect } from '@open-wc/testing';
import { FramePacer } from './frame-pacing.js';

describe('FramePacer in the browser', () => {
  it('runs after the animation frame it waited for, in a task of its own', async () => {
    const pacer = new FramePacer();
    const order: string[] = [];
    const ran = new Promise<void>((resolve) =>
      pacer.next(() => {
        order.push('run');
        resolve();
      }),
    );
    // Requested after the pacer's frame, so it runs in the same frame, after the pacer's tick:
    // a run made inside the frame callback would come first.
    requestAnimationFrame(() => order.push('frame'));
    await ran;
    expect(order).to.deep.equal(['frame', 'run']);
  });

  it('keeps the pace: runs asked for at once come frames apart, not in one burst of tasks', async () => {
    const pacer = new FramePacer();
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => pacer.next(() => resolve(void runs.push(performance.now()))));
    expect(runs).to.have.length(3);
    // STREAM_FRAME_MS (25) apart by frame time; a task's start may lag its frame, hence the margin.
    for (let i = 1; i < 3; i++) expect(runs[i]! - runs[i - 1]!).to.be.greaterThan(16);
  });
});
