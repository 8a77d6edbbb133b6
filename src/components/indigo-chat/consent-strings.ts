/**
 * The consent notice's own strings, in its lazy chunk (consent.ts; the disclosure line's
 * are on the open path, privacy.ts). English and Italian here; other languages from their
 * loaded pack (English until then).
 */
import { localized } from '../i18n/locales.js';
import type { PrivacyStrings } from './privacy.js';

export type ConsentStrings = Omit<PrivacyStrings, 'disclosure' | 'aiGenerated' | 'memoryOnly'>;

const en: ConsentStrings = {
  consentText:
    'This chat is run by an AI assistant. To answer, your messages are sent to our service provider, and the conversation is saved in this browser so it survives a reload.',
  consentTitle: 'Before you start',
  accept: 'Accept',
  decline: 'Decline',
  privacyPolicy: 'Privacy policy',
  opensInNewTab: '(opens in a new tab)',
};

const it: ConsentStrings = {
  consentText:
    'Questa chat è gestita da un assistente IA. Per rispondere, i tuoi messaggi vengono inviati al nostro fornitore del servizio e la conversazione viene salvata in questo browser per sopravvivere a un ricaricamento.',
  consentTitle: 'Prima di iniziare',
  accept: 'Accetto',
  decline: 'Rifiuto',
  privacyPolicy: 'Informativa sulla privacy',
  opensInNewTab: '(si apre in una nuova scheda)',
};

/** The notice's strings in `lang`. */
export function consentStrings(lang: string): ConsentStrings {
  return localized({ en, it }, lang, (p) => p.privacy);
}
