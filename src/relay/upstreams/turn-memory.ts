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

export interface Turn {
  /** Poll from here: the previous visitor message (the current one on a first answer). */
  readonly after: Cutoff;
  /** The visitor message being answered. */
  readonly current: Cutoff;
  /** Bot message ids already emitted in this conversation. */
  readonly skip: ReadonlySet<string>;
  record(ids: readonly string[]): void;
}

/**
 * One poll's messages after `turn.after`, oldest first, reduced to the bot's. Those listed
 * before the current visitor message are `carried`: late messages of the previous answer.
 * They are shown first but must not start the quiet time: a bot slower than the quiet time
 * would be cut off before its reply, which would then arrive with the next answer, and
 * every answer after it would show the reply to the question before. Another visitor
 * message between the previous and the current one means another relay instance (or tab)
 * answered in between and may have shown them: nothing is carried then, so nothing is
 * shown twice. Without the current message in the list every bot message counts as new.
 */
export function botMessagesOfTurn<M>(
  messages: readonly M[],
  current: Cutoff,
  idOf: (m: M) => unknown,
  isVisitor: (m: M) => boolean,
): { readonly message: M; readonly carried: boolean }[] {
  const at = current.id === '' ? -1 : messages.findIndex((m) => idOf(m) === current.id);
  const before = messages.slice(0, Math.max(0, at));
  const carry = !before.some(isVisitor);
  const out: { message: M; carried: boolean }[] = carry ? before.map((message) => ({ message, carried: true })) : [];
  for (const message of messages.slice(at + 1)) if (!isVisitor(message)) out.push({ message, carried: false });
  return out;
}

export class TurnMemory {
  readonly #turns: BoundedMap<string, { after: Cutoff; emitted: Set<string> }>;

  constructor(conversations = 10_000) {
    this.#turns = new BoundedMap(conversations);
  }

  /**
   * Starts an answer to `current`; returns where to poll from and the ids to skip. After
   * the visitor stopped the previous answer (`stopped`), polling starts at `current`: what
   * the bot adds to the stopped answer is never shown (Stop is not a dropped connection).
   */
  begin(conversation: string, current: Cutoff, stopped = false): Turn {
    const previous = this.#turns.get(conversation);
    const emitted = previous?.emitted ?? new Set<string>();
    this.#turns.set(conversation, { after: current, emitted });
    return {
      after: (!stopped && previous?.after) || current,
      current,
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
