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
/** Visitor messages remembered per conversation, to recognise a bot message that names one. */
const MAX_ASKED = 50;

/**
 * Which visitor message a bot message says it answers, when it says so (a Botpress bot may
 * tag its replies with the incoming message's id; no platform does it by itself):
 * `current`, an `earlier` one, or one whose answer the visitor `stopped`.
 */
export type Tie = 'current' | 'earlier' | 'stopped';

export interface Turn {
  /** Poll from here: the previous visitor message (the current one on a first answer). */
  readonly after: Cutoff;
  /** The visitor message being answered. */
  readonly current: Cutoff;
  /** Bot message ids already emitted in this conversation. */
  readonly skip: ReadonlySet<string>;
  record(ids: readonly string[]): void;
  /**
   * The tie of a bot message from values it carries (its tag values): one equal to the id
   * of the current visitor message, of an earlier one (remembered here or listed in
   * `listed`), or of one whose answer was stopped. Undefined when none names a visitor message.
   */
  tieOf(values: readonly unknown[], listed: ReadonlySet<unknown>): Tie | undefined;
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
  tieOf: (m: M) => Tie | undefined = () => undefined,
): { readonly message: M; readonly carried: boolean }[] {
  const at = current.id === '' ? -1 : messages.findIndex((m) => idOf(m) === current.id);
  const before = messages.slice(0, Math.max(0, at));
  const out: { message: M; carried: boolean }[] = [];
  // A bot message that names the visitor message it answers is placed by that, not by the
  // list order: a late one of an earlier turn listed after the current question is carried
  // (it does not start the quiet time); one of a stopped turn is never shown.
  const add = (message: M, carried: boolean) => {
    const tie = tieOf(message);
    if (tie !== 'stopped') out.push({ message, carried: tie === undefined ? carried : tie === 'earlier' });
  };
  if (!before.some(isVisitor)) for (const message of before) add(message, true);
  for (const message of messages.slice(at + 1)) if (!isVisitor(message)) add(message, false);
  return out;
}

interface Remembered {
  after: Cutoff;
  emitted: Set<string>;
  /** Recent visitor message ids, oldest first, and those whose answer was stopped. */
  asked: string[];
  stopped: Set<string>;
}

export class TurnMemory {
  readonly #turns: BoundedMap<string, Remembered>;

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
    const asked = [...(previous?.asked ?? []), current.id].slice(-MAX_ASKED);
    const halted = new Set([...(previous?.stopped ?? [])].filter((id) => asked.includes(id)));
    if (stopped && previous) halted.add(previous.after.id);
    this.#turns.set(conversation, { after: current, emitted, asked, stopped: halted });
    return {
      after: (!stopped && previous?.after) || current,
      current,
      skip: emitted,
      tieOf: (values, listed) => {
        for (const v of values) {
          if (typeof v !== 'string' || v === '') continue;
          if (v === current.id) return 'current';
          if (halted.has(v)) return 'stopped';
          if (asked.includes(v) || listed.has(v)) return 'earlier';
        }
        return undefined;
      },
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
