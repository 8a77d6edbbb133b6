/**
 * The carousel's strings, in its lazy chunk (only a carousel shows them).
 */
import { localized } from '../i18n/locales.js';
import type { BlockStrings } from './strings.js';

export type CarouselStrings = Pick<
  BlockStrings,
  'carousel' | 'carouselRoleDescription' | 'slideRoleDescription' | 'cardList' | 'position' | 'cardLabel' | 'previousCard' | 'nextCard'
>;

const en: CarouselStrings = {
  carousel: 'Cards',
  carouselRoleDescription: 'carousel',
  slideRoleDescription: 'slide',
  cardList: 'Card list',
  position: (n, total) => `Card ${n} of ${total}`,
  cardLabel: (n, total, title) => (title ? `Card ${n} of ${total}: ${title}` : `Card ${n} of ${total}`),
  previousCard: 'Previous card',
  nextCard: 'Next card',
};

const it: CarouselStrings = {
  carousel: 'Schede',
  carouselRoleDescription: 'carosello',
  slideRoleDescription: 'scheda',
  cardList: 'Elenco delle schede',
  position: (n, total) => `Scheda ${n} di ${total}`,
  cardLabel: (n, total, title) => (title ? `Scheda ${n} di ${total}: ${title}` : `Scheda ${n} di ${total}`),
  previousCard: 'Scheda precedente',
  nextCard: 'Scheda successiva',
};

/** English and Italian here; other languages from their loaded pack (English until then). */
export function carouselStrings(lang: string): CarouselStrings {
  return localized({ en, it }, lang, (p) => p.blocks);
}
