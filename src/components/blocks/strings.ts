import { loadedPack } from '../i18n/locales.js';

/**
 * User-visible strings of the bot block renderers. English is the fallback for any
 * language we do not ship; a region subtag (`it-IT`) resolves to its language.
 */
export interface BlockStrings {
  readonly quickReplies: string;
  readonly carousel: string;
  readonly carouselRoleDescription: string;
  readonly slideRoleDescription: string;
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
  readonly videoUnsupported: string;
  /** Under an answer whose formatting broke mid-stream (a degraded generation). */
  readonly plainText: string;
  /** The click-to-load button of an image in bot HTML from an origin nobody allowed. */
  readonly showImage: (host: string, alt: string) => string;
}

const en: BlockStrings = {
  quickReplies: 'Quick replies',
  carousel: 'Cards',
  carouselRoleDescription: 'carousel',
  slideRoleDescription: 'slide',
  position: (n, total) => `Card ${n} of ${total}`,
  cardLabel: (n, total, title) => (title ? `Card ${n} of ${total}: ${title}` : `Card ${n} of ${total}`),
  previousCard: 'Previous card',
  nextCard: 'Next card',
  opensInNewTab: '(opens in a new tab)',
  call: (number) => `Call ${number}`,
  email: (address) => `Email ${address}`,
  playOn: (provider) => `Play video on ${provider}`,
  loadsFrom: (provider) => `Loads content from ${provider}, which may set cookies.`,
  openOn: (provider) => `Open on ${provider}`,
  videoTitle: (provider) => `${provider} video`,
  openVideo: 'Open the video',
  videoUnsupported: 'Your browser cannot play this video.',
  plainText: 'Shown as plain text: the formatting could not be applied.',
  showImage: (host, alt) => (alt ? `Show image “${alt}” from ${host}` : `Show image from ${host}`),
};

const it: BlockStrings = {
  quickReplies: 'Risposte rapide',
  carousel: 'Schede',
  carouselRoleDescription: 'carosello',
  slideRoleDescription: 'scheda',
  position: (n, total) => `Scheda ${n} di ${total}`,
  cardLabel: (n, total, title) => (title ? `Scheda ${n} di ${total}: ${title}` : `Scheda ${n} di ${total}`),
  previousCard: 'Scheda precedente',
  nextCard: 'Scheda successiva',
  opensInNewTab: '(si apre in una nuova scheda)',
  call: (number) => `Chiama ${number}`,
  email: (address) => `Scrivi a ${address}`,
  playOn: (provider) => `Riproduci il video su ${provider}`,
  loadsFrom: (provider) => `Carica contenuti da ${provider}, che può impostare cookie.`,
  openOn: (provider) => `Apri su ${provider}`,
  videoTitle: (provider) => `Video ${provider}`,
  openVideo: 'Apri il video',
  videoUnsupported: 'Il tuo browser non può riprodurre questo video.',
  plainText: 'Mostrata come testo semplice: non è stato possibile applicare la formattazione.',
  showImage: (host, alt) => (alt ? `Mostra l'immagine “${alt}” da ${host}` : `Mostra l'immagine da ${host}`),
};

const table: Readonly<Record<string, BlockStrings>> = { en, it };

export function blockStrings(lang: string): BlockStrings {
  const base = (typeof lang === 'string' ? lang : '').toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.prototype.hasOwnProperty.call(table, base) ? (table[base] ?? en) : (loadedPack(base)?.blocks ?? en);
}

/**
 * Strings of the protocol-extension blocks (audio, file, location, select). A table of its
 * own, so a language added to BlockStrings without them falls back to English here
 * instead of failing the build.
 */
export interface ExtensionStrings {
  readonly audio: string;
  readonly audioUnsupported: string;
  readonly download: string;
  readonly file: string;
  /** Read after a file's name: its type (`PDF`, or "file" when unknown). */
  readonly fileKind: (type: string) => string;
  readonly location: string;
  readonly openMap: string;
  readonly chooseOption: string;
  readonly choosePlaceholder: string;
  readonly sendChoice: string;
}

const extensionEn: ExtensionStrings = {
  audio: 'Audio message',
  audioUnsupported: 'Your browser cannot play this audio.',
  download: 'Download',
  file: 'file',
  fileKind: (type) => `(${type})`,
  location: 'Location',
  openMap: 'Open in OpenStreetMap',
  chooseOption: 'Choose an option',
  choosePlaceholder: 'Choose…',
  sendChoice: 'Send',
};

const extensionIt: ExtensionStrings = {
  audio: 'Messaggio audio',
  audioUnsupported: 'Il tuo browser non può riprodurre questo audio.',
  download: 'Scarica',
  file: 'file',
  fileKind: (type) => `(${type})`,
  location: 'Posizione',
  openMap: 'Apri in OpenStreetMap',
  chooseOption: "Scegli un'opzione",
  choosePlaceholder: 'Scegli…',
  sendChoice: 'Invia',
};

const extensionTable: Readonly<Record<string, ExtensionStrings>> = { en: extensionEn, it: extensionIt };

export function extensionStrings(lang: string): ExtensionStrings {
  const base = (typeof lang === 'string' ? lang : '').toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.prototype.hasOwnProperty.call(extensionTable, base) ? (extensionTable[base] ?? extensionEn) : extensionEn;
}
