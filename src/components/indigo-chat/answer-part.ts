/**
 * The copy button's side of answer-content.ts, which loads on demand (prefetched at idle
 * with the lazy blocks once the chat shows, so a click finds it loaded and copies within
 * the same task, as before).
 */
import type { BotMessage, Message } from '../../core/conversation/types.js';
import { lazyModule } from '../blocks/lazy-part.js';
import { sanitizerStatus } from '../../html/sanitize.js';

const answerPart = lazyModule('answer-content', () => import('./answer-content.js'));

/** True when the answer has something to copy (text or generated content). */
export function isCopyable(message: BotMessage): boolean {
  return message.state !== 'streaming' && message.blocks.some((b) => b.kind === 'text' || b.kind === 'generation');
}

/** Copy an answer (text/plain and sanitized text/html); false when it could not. */
export function copyMessage(message: BotMessage, mediaOrigins: readonly string[]): Promise<boolean> {
  const copy = (m: NonNullable<typeof answerPart.mod>) => m.copyAnswer(m.answerContent(message, mediaOrigins));
  // Loaded: copy within this task (the click's user activation).
  return answerPart.mod ? copy(answerPart.mod) : answerPart.load().then(copy, () => false);
}

/**
 * The welcome's first paragraph as plain text (the teaser's text), null until there is
 * one; `retry` is called once the module arrives if it was not loaded yet.
 */
export function welcomeTextOf(messages: readonly Message[], mediaOrigins: readonly string[], retry: () => void): string | null {
  const first = messages.find((m): m is BotMessage => m.role === 'bot' && isCopyable(m));
  if (!first) return null;
  // Until the sanitizer is there (fallback path), the teaser asks again on the next update.
  const sanitizer = sanitizerStatus();
  if (sanitizer === 'idle' || sanitizer === 'loading') return null;
  const m = answerPart.mod;
  if (!m) {
    answerPart.load().then(retry, () => {});
    return null;
  }
  return m.answerContent(first, mediaOrigins).text.split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ').trim() || null;
}
