/**
 * The video block's strings, in its lazy chunk (the open path's fallback link needs only `openVideo`).
 */
import { localized } from '../i18n/locales.js';
import type { BlockStrings } from './strings.js';

export type VideoStrings = Pick<BlockStrings, 'playOn' | 'loadsFrom' | 'openOn' | 'videoTitle'>;

const en: VideoStrings = {
  playOn: (provider) => `Play video on ${provider}`,
  loadsFrom: (provider) => `Loads content from ${provider}, which may set cookies.`,
  openOn: (provider) => `Open on ${provider}`,
  videoTitle: (provider) => `${provider} video`,
};

const it: VideoStrings = {
  playOn: (provider) => `Riproduci il video su ${provider}`,
  loadsFrom: (provider) => `Carica contenuti da ${provider}, che può impostare cookie.`,
  openOn: (provider) => `Apri su ${provider}`,
  videoTitle: (provider) => `Video ${provider}`,
};

/** English and Italian here; other languages from their loaded pack (English until then). */
export function videoStrings(lang: string): VideoStrings {
  return localized({ en, it }, lang, (p) => p.blocks);
}
