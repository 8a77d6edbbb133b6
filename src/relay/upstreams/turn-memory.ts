import { BoundedMap } from './bounded-map.js';

/**
 * What a polling adapter remembers per conversation between answers, so a bot message
 * that lands after an answer ended (the bot paused longer than the quiet time) is shown
 * with the next answer instead of being lost: each answer polls from the *previous*
 * visitor message and skips the ids already emitted.
 */

export interface Cutoff {
  /** The platform's id of a visitor message. */
  readonly id: string;
  /** Its creation time (ms), NaN when the platform did not say. */
  readonly at: number;
}

const MAX_IDS = 500;

export class TurnMemory {
  readonly #turns: BoundedMap<string, { after: Cutoff; emitted: Set<string> }>;

  constructor(conversations = 10_000) {
    this.#turns = new BoundedMap(conversations);
  }

  /** Starts an answer to `current`; returns where to poll from and the ids to skip. */
  begin(conversation: string, current: Cutoff): { after: Cutoff; skip: ReadonlySet<string>; record(ids: readonly string[]): void } {
    const previous = this.#turns.get(conversation);
    const emitted = previous?.emitted ?? new Set<string>();
    this.#turns.set(conversation, { after: current, emitted });
    return {
      after: previous?.after ?? current,
      skip: emitted,
      record: (ids) => {
        for (const id of ids) emitted.add(id);
        // Oldest first out: only ids after the previous visitor message still matter.
        for (const id of emitted) {
          if (emitted.size <= MAX_IDS) break;
          emitted.delete(id);
        }
      },
    };
  }
}
