import type { BlockStrings } from '../blocks/strings.js';
import type { ExtensionStrings } from '../blocks/extension-strings.js';
import type { FeedbackStrings } from '../feedback/strings.js';
import type { ChatStrings } from '../indigo-chat/strings.js';
import type { PrivacyStrings } from '../indigo-chat/privacy.js';
import type { VisitorStrings } from './visitor-strings.js';

/**
 * One language: everything the widget says, in one file (`packs/<lang>.ts`). Each group is
 * read by its string module through `localized()` (locales.ts), so the lazy chunks keep
 * only English and Italian and a page pays for at most its own language.
 */
export interface LocalePack {
  /** Base language subtag, lower case (`fr`, `ar`). */
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  readonly chat: ChatStrings;
  readonly blocks: BlockStrings;
  /** Audio, file, location and select blocks (extension-strings.ts). */
  readonly extension: ExtensionStrings;
  readonly visitor: VisitorStrings;
  /** Consent notice and AI disclosure. */
  readonly privacy: PrivacyStrings;
  /** Thumbs and CSAT (feedback/strings.ts). */
  readonly feedback: FeedbackStrings;
}
