/**
 * The composer's character count, in its own lazy chunk: loaded the first time a draft
 * comes near the limit (most visitors never write 3,600 characters). English and Italian
 * here; other languages from their loaded pack (English until then).
 */
import { css, html } from 'lit';
import type { TemplateResult } from 'lit';
import { localized } from '../i18n/locales.js';
import { plural } from '../i18n/plural.js';
import type { VisitorStrings } from '../i18n/visitor-strings.js';

type CountStrings = Pick<VisitorStrings, 'charsLeft' | 'charsOver'>;

const table: Readonly<Record<string, CountStrings>> = {
  en: {
    charsLeft: (n) => plural('en', n, { one: '{n} character left', other: '{n} characters left' }),
    charsOver: (n) => plural('en', n, { one: '{n} character too many', other: '{n} characters too many' }),
  },
  it: {
    charsLeft: (n) => plural('it', n, { one: 'Resta {n} carattere', other: 'Restano {n} caratteri' }),
    charsOver: (n) => plural('it', n, { one: '{n} carattere di troppo', other: '{n} caratteri di troppo' }),
  },
};

/** Characters as the relay counts them (code points: an emoji is one). */
export const charLength = (draft: string): number => [...draft].length;

/** "120 characters left" or "15 characters too many", for `n` characters against `max`, in `lang`. */
export function countText(n: number, max: number, lang: string): string {
  const s = localized(table, lang, (p) => p.visitor);
  return n > max ? s.charsOver(n - max) : s.charsLeft(max - n);
}

/** The count above the composer (`id`: the field's aria-describedby), in `lang` at each render. */
export function countView(id: string, n: number, max: number, lang: string): TemplateResult {
  return html`<p part="char-count" id=${id} class=${n > max ? 'over' : ''}>${countText(n, max, lang)}</p>`;
}

/** Adopted into the element's shadow root when the count first shows. */
export const styles = css`
  [part~='char-count'] {
    margin: 6px 12px -4px;
    font-size: 12px;
    color: var(--_muted);
    text-align: end;
  }
  .over {
    color: #d93025;
  }
`;
