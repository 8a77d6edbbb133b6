import { describe, expect, it } from 'vitest';
import { createGenerationWatch } from './generation-watch.js';

const ins = (value: string) => [{ command: 'ins', value }];
const after = (n: number, value: string) => [
  { command: 'mov', value: n },
  { command: 'ins', value },
];

describe('createGenerationWatch (the console figure of degraded generations)', () => {
  it('follows each generation by its id, in data or at the top level, and counts only real delta failures', () => {
    let degraded = 0;
    const watch = createGenerationWatch(() => degraded++);
    // Two generations interleaved, ids at the top level (as carousel.card.* carry theirs).
    watch({ type: 'generation.start', generation_id: 1 });
    watch({ type: 'generation.start', generation_id: 2 });
    watch({ type: 'generation.chunk', generation_id: 1, data: { chunk: 'Hello', deltas: ins('<p>Hello</p>') } });
    watch({ type: 'generation.chunk', generation_id: 2, data: { chunk: 'Hi', deltas: ins('<p>Hi</p>') } });
    watch({ type: 'generation.chunk', generation_id: 1, data: { chunk: '!', deltas: after(8, '!') } });
    watch({ type: 'generation.chunk', generation_id: 2, data: { chunk: '?', deltas: after(5, '?') } });
    expect(degraded).toBe(0);
    // A delta past the end of generation 2: one degraded generation, counted once.
    watch({ type: 'generation.chunk', data: { generation_id: 2, chunk: 'x', deltas: after(99, 'x') } });
    watch({ type: 'generation.chunk', data: { generation_id: 2, chunk: 'y', deltas: after(99, 'y') } });
    expect(degraded).toBe(1);
  });

  it('counts a generation whose text never became HTML (its chunks came without deltas), as the widget degrades it', () => {
    let degraded = 0;
    const watch = createGenerationWatch(() => degraded++);
    watch({ type: 'generation.start', data: { generation_id: 7 } });
    watch({ type: 'generation.chunk', data: { generation_id: 7, chunk: 'Hello' } });
    watch({ type: 'generation.end', data: { generation_id: 7 } });
    expect(degraded).toBe(1);
    // Text that became HTML, and a generation with no text at all: not degraded.
    watch({ type: 'generation.start', data: { generation_id: 8 } });
    watch({ type: 'generation.chunk', data: { generation_id: 8, chunk: 'Hi', deltas: ins('<p>Hi</p>') } });
    watch({ type: 'generation.end', data: { generation_id: 8 } });
    watch({ type: 'generation.start', data: { generation_id: 9 } });
    watch({ type: 'generation.end', data: { generation_id: 9 } });
    expect(degraded).toBe(1);
  });
});
