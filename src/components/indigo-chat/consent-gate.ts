import { keywordOf } from '../../controllers/storage.js';

/**
 * The one question the visitor features ask about consent: may something appear unprompted
 * (the teaser) yet? With `consent="required"` the answer is no until the visitor has
 * consented. The element passes what it knows: the attribute, and whether consent was
 * given (the privacy work's consent notice records that; until it is merged, nothing
 * records it, so "required" means never).
 */
export function mayShowUnprompted(consentAttribute: string | null, consentGiven: boolean): boolean {
  if (keywordOf(consentAttribute) !== 'required') return true;
  return consentGiven;
}
