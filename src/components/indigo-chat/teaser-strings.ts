/**
 * The teaser's two strings, in its lazy chunk (only the teaser shows them). English and
 * Italian here; other languages from their loaded pack (English until then).
 */
import { localized } from '../i18n/locales.js';
import type { VisitorStrings } from '../i18n/visitor-strings.js';

export type TeaserStrings = Pick<VisitorStrings, 'teaserOpen' | 'teaserClose'>;

const table: Readonly<Record<string, TeaserStrings>> = {
  en: { teaserOpen: 'Open chat', teaserClose: 'Dismiss' },
  it: { teaserOpen: 'Apri la chat', teaserClose: 'Chiudi' },
};

export function teaserStrings(lang: string): TeaserStrings {
  return localized(table, lang, (p) => p.visitor);
}
