/**
 * The copy button's side of answer-content.ts, which loads on demand (prefetched at idle
 * with the lazy blocks once the chat shows, so a click finds it loaded and copies within
 * the same task, as before). The teaser's welcome text reads it too (teaser.ts).
 */
import type { BotMessage } from '../../core/conversation/types.js';
import { lazyModule } from '../blocks/lazy-part.js';

export const answerPart = lazyModule('answer-content', () => import('./answer-content.js'));

/** True when the answer has something to copy (text or generated content). */
export function isCopyable(message: BotMessage): boolean {
  return message.state !== 'streaming' && message.blocks.some((b) => b.kind === 'text' || b.kind === 'generation');
}

/**
 * Copy an answer (text/plain and sanitized text/html); false when it could not. Images not
 * from `loadOrigins` (placeholders on screen) go on the clipboard as links.
 */
export function copyMessage(message: BotMessage, mediaOrigins: readonly string[], loadOrigins: readonly string[]): Promise<boolean> {
  const copy = (m: NonNullable<typeof answerPart.mod>) => m.copyAnswer(m.answerContent(message, mediaOrigins, loadOrigins));
  // Loaded: copy within this task (the click's user activation).
  return answerPart.mod ? copy(answerPart.mod) : answerPart.load().then(copy, () => false);
}
