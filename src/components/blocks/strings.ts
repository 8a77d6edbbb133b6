import { localized } from '../i18n/locales.js';

/**
 * User-visible strings of the bot block renderers. English is the fallback for any
 * language we do not ship; a region subtag (`it-IT`) resolves to its language.
 */
export interface BlockStrings {
  readonly quickReplies: string;
  readonly carousel: string;
  readonly carouselRoleDescription: string;
  readonly slideRoleDescription: string;
  /** The scrolling strip of cards: a Tab stop (the arrow keys move between its cards). */
  readonly cardList: string;
  readonly position: (n: number, total: number) => string;
  readonly cardLabel: (n: number, total: number, title: string) => string;
  readonly previousCard: string;
  readonly nextCard: string;
  readonly opensInNewTab: string;
  readonly call: (number: string) => string;
  readonly email: (address: string) => string;
  readonly playOn: (provider: string) => string;
  readonly loadsFrom: (provider: string) => string;
  readonly openOn: (provider: string) => string;
  readonly videoTitle: (provider: string) => string;
  readonly openVideo: string;
  /** Under an answer whose formatting broke mid-stream (a degraded generation). */
  readonly plainText: string;
  /** The click-to-load button of an image in bot HTML from an origin nobody allowed. */
  readonly showImage: (host: string, alt: string) => string;
  /** The map link of a location block (its lazy renderer and the open-path fallback). */
  readonly openMap: string;
}

/**
 * What the open path shows (quick replies, links, image and video fallbacks); carousel
 * and video strings load with their renderers (carousel-strings.ts, video-strings.ts).
 * A locale pack carries the whole BlockStrings.
 */
export type CoreBlockStrings = Pick<
  BlockStrings,
  'quickReplies' | 'opensInNewTab' | 'call' | 'email' | 'openVideo' | 'plainText' | 'showImage' | 'openMap'
>;

const en: CoreBlockStrings = {
  quickReplies: 'Quick replies',
  opensInNewTab: '(opens in a new tab)',
  call: (number) => `Call ${number}`,
  email: (address) => `Email ${address}`,
  openVideo: 'Open the video',
  plainText: 'Shown as plain text: the formatting could not be applied.',
  showImage: (host, alt) => (alt ? `Show image “${alt}” from ${host}` : `Show image from ${host}`),
  openMap: 'Open in OpenStreetMap',
};

const it: CoreBlockStrings = {
  quickReplies: 'Risposte rapide',
  opensInNewTab: '(si apre in una nuova scheda)',
  call: (number) => `Chiama ${number}`,
  email: (address) => `Scrivi a ${address}`,
  openVideo: 'Apri il video',
  plainText: 'Mostrata come testo semplice: non è stato possibile applicare la formattazione.',
  showImage: (host, alt) => (alt ? `Mostra l'immagine “${alt}” da ${host}` : `Mostra l'immagine da ${host}`),
  openMap: 'Apri in OpenStreetMap',
};

const table: Readonly<Record<string, CoreBlockStrings>> = { en, it };

export function blockStrings(lang: string): CoreBlockStrings {
  return localized(table, lang, (p) => p.blocks);
}
