/**
 * The downloaded transcript's heading, in the export's lazy chunk (only the file shows it).
 * English and Italian here; other languages from their loaded pack (English until then).
 */
import { localized } from '../i18n/locales.js';
import type { VisitorStrings } from '../i18n/visitor-strings.js';

type Heading = VisitorStrings['transcriptHeading'];

const table: Readonly<Record<string, Heading>> = {
  en: (title, date) => `${title}: conversation of ${date}`,
  it: (title, date) => `${title}: conversazione del ${date}`,
};

/** `{title}: conversation of {date}`, in `lang`. */
export function transcriptHeading(lang: string): Heading {
  return localized(table, lang, (p) => p.visitor.transcriptHeading);
}
