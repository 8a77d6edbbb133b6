/**
 * Feedback and CSAT strings, in the feedback chunk. English and Italian here; other
 * languages from their loaded pack (English until then).
 */
import type { FeedbackReason } from '../../core/platform/feedback.js';
import { localized, resolveLang } from '../i18n/locales.js';

export interface FeedbackStrings {
  readonly group: string;
  readonly up: string;
  readonly down: string;
  readonly reasonsLegend: string;
  readonly reasons: Readonly<Record<FeedbackReason, string>>;
  readonly comment: string;
  readonly submit: string;
  readonly thanks: string;
  readonly locked: string;
  readonly csatQuestion: string;
  readonly csatScore: (n: number) => string;
  readonly csatComment: string;
  readonly csatSubmit: string;
  readonly csatLater: string;
  readonly csatThanks: string;
}

const en: FeedbackStrings = {
  group: 'Rate this answer',
  up: 'Helpful',
  down: 'Not helpful',
  reasonsLegend: 'What went wrong? (optional)',
  reasons: { wrong: 'Wrong', 'not-helpful': 'Didn’t answer my question', unsafe: 'Unsafe', other: 'Other' },
  comment: 'Tell us more (optional)',
  submit: 'Send feedback',
  thanks: 'Thanks for your feedback.',
  locked: 'You already changed your rating.',
  csatQuestion: 'How would you rate this conversation?',
  csatScore: (n) => `${n} of 5: ${['very poor', 'poor', 'okay', 'good', 'excellent'][n - 1]}`,
  csatComment: 'Anything to add? (optional)',
  csatSubmit: 'Send rating',
  csatLater: 'Not now',
  csatThanks: 'Thank you for rating this conversation.',
};

const it: FeedbackStrings = {
  group: 'Valuta questa risposta',
  up: 'Utile',
  down: 'Non utile',
  reasonsLegend: 'Cosa non andava? (facoltativo)',
  reasons: { wrong: 'Sbagliata', 'not-helpful': 'Non risponde alla domanda', unsafe: 'Non sicura', other: 'Altro' },
  comment: 'Raccontaci di più (facoltativo)',
  submit: 'Invia il feedback',
  thanks: 'Grazie per il feedback.',
  locked: 'Hai già cambiato la tua valutazione.',
  csatQuestion: 'Come valuteresti questa conversazione?',
  csatScore: (n) => `${n} su 5: ${['pessima', 'scarsa', 'discreta', 'buona', 'ottima'][n - 1]}`,
  csatComment: 'Vuoi aggiungere qualcosa? (facoltativo)',
  csatSubmit: 'Invia la valutazione',
  csatLater: 'Non ora',
  csatThanks: 'Grazie per aver valutato la conversazione.',
};

const table: Readonly<Record<string, FeedbackStrings>> = { en, it };

/** For the element's `lang` attribute as written (`auto` resolved like the element does). */
export function feedbackStrings(lang: string | null | undefined): FeedbackStrings {
  return localized(table, resolveLang(lang), (p) => p.feedback);
}
