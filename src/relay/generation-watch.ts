/**
 * Counts degraded generations for the console's relay figures: the relay applies each
 * generation's deltas as the widget would (graphemes, the platform's unit) and reports a
 * generation whose deltas stop applying, or whose text never became HTML (no deltas). Observation only: chunks are forwarded unchanged.
 */
import { createLiveText } from '../core/delta/live-text.js';
import type { DeltaUnit, LiveText } from '../core/delta/types.js';

const MAX_GENERATIONS = 16;

export function createGenerationWatch(
  onDegraded: () => void,
  unit: DeltaUnit = 'grapheme',
): (chunk: { type?: unknown; data?: unknown; generation_id?: unknown }) => void {
  const live = new Map<string, LiveText | null>();
  /** Generations that got text (the widget shows a blank one's text plain at its end: degraded too). */
  const said = new Set<string>();
  return (chunk) => {
    const type = chunk.type;
    if (typeof type !== 'string' || !type.startsWith('generation.')) return;
    const data = (chunk.data ?? {}) as { generation_id?: unknown; deltas?: unknown; chunk?: unknown };
    // Numbers or strings, in `data` or at the top level (docs/protocol.md: read both places).
    const rawId = chunk.generation_id ?? data.generation_id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : '';
    if (type === 'generation.start') {
      if (live.size < MAX_GENERATIONS && !live.has(id)) live.set(id, createLiveText(unit));
    } else if (type === 'generation.chunk') {
      const cur = live.get(id);
      if (!cur) return;
      if (typeof data.chunk === 'string' && data.chunk.trim() !== '') said.add(id);
      try {
        live.set(id, cur.apply(data.deltas ?? []));
      } catch {
        live.set(id, null); // degraded: counted once
        onDegraded();
      }
    } else if (type === 'generation.end') {
      const cur = live.get(id);
      if (cur && said.has(id) && String(cur) === '') onDegraded();
      live.delete(id);
      said.delete(id);
    }
  };
}
