/**
 * Stable ids for bot answers, the same in the widget, the relay and the mock platform.
 *
 * The Chat API gives messages no id, so one is derived: `<conversation>.<turn>.<block>`
 * - `conversation`: the random part of the relay-issued sender (`<id>.<sig>` -> `<id>`;
 *   never the signature, which is the bearer secret);
 * - `turn`: 1-based ordinal of the bot answer among the conversation's answers that showed
 *   content (an answer with no block, e.g. to a profile update, does not count);
 * - `block`: the message within that turn; the widget shows one bubble per turn, so 0.
 * Example: `Qk3lVq0Yb1xR9nQ2sT8uWA.3.0`.
 */

const CONVERSATION_RE = /^[A-Za-z0-9_-]{1,64}$/;
export const MESSAGE_ID_RE = /^[A-Za-z0-9_-]{1,64}\.[1-9][0-9]{0,5}\.[0-9]{1,3}$/;

/** The conversation part of a sender id (`<id>.<sig>` -> `<id>`; a plain id as is). */
export function conversationKey(sender: string): string {
  const id = sender.split('.')[0] ?? '';
  return CONVERSATION_RE.test(id) ? id : '';
}

export function stableMessageId(sender: string, turn: number, block = 0): string {
  return `${conversationKey(sender)}.${turn}.${block}`;
}

export function parseMessageId(id: string): { conversation: string; turn: number; block: number } | null {
  if (!MESSAGE_ID_RE.test(id)) return null;
  const [conversation = '', turn = '0', block = '0'] = id.split('.');
  return { conversation, turn: Number(turn), block: Number(block) };
}
