import type { BlockStrings } from '../blocks/strings.js';
import type { ChatStrings } from '../indigo-chat/strings.js';
import type { PrivacyStrings } from '../indigo-chat/privacy.js';
import type { VisitorStrings } from './visitor-strings.js';

/** One language: everything the widget says, in one file (`packs/<lang>.ts`). */
export interface LocalePack {
  /** Base language subtag, lower case (`fr`, `ar`). */
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  readonly chat: ChatStrings;
  readonly blocks: BlockStrings;
  readonly visitor: VisitorStrings;
  /** Consent notice and AI disclosure; English where a pack has none yet (ar, he). */
  readonly privacy?: PrivacyStrings;
}
