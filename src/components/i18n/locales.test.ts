import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blockStrings } from '../blocks/strings.js';
import { carouselStrings } from '../blocks/carousel-strings.js';
import { videoStrings } from '../blocks/video-strings.js';
import { stringsFor } from '../indigo-chat/strings.js';
import { dirOf, isReady, loadLocale, resolveLang, supportedLanguages, visitorStringsFor } from './locales.js';
import { plural } from './plural.js';
import { visitorEn } from './visitor-strings.js';
import { teaserStrings } from '../indigo-chat/teaser-strings.js';
import { transcriptHeading } from '../indigo-chat/export-strings.js';

const packFiles = readdirSync(fileURLToPath(new URL('./packs/', import.meta.url)))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''));

/** Every key of the English table, with a sample output for function-valued strings. */
function render(table: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(table)) {
    out[k] = typeof v === 'function' ? String((v as (...a: unknown[]) => unknown)(3, 7, 'X')) : String(v);
  }
  return out;
}

describe('locale packs', () => {
  it('every file in packs/ is loadable through the table, and the table names no missing file', async () => {
    expect(packFiles.sort()).toEqual(
      supportedLanguages()
        .filter((l) => l !== 'en' && l !== 'it')
        .sort(),
    );
    for (const base of packFiles) {
      const pack = await loadLocale(base);
      expect(pack?.lang, base).toBe(base);
      expect(isReady(base)).toBe(true);
    }
  });

  it('each pack is complete: every string of English exists, is non-empty and translated', async () => {
    const en = {
      chat: render(stringsFor('en')),
      blocks: render({ ...blockStrings('en'), ...carouselStrings('en'), ...videoStrings('en') }),
      visitor: render({ ...visitorEn, ...teaserStrings('en'), transcriptHeading: transcriptHeading('en') }),
    };
    for (const base of packFiles) {
      await loadLocale(base);
      const got = {
        chat: render(stringsFor(base)),
        blocks: render({ ...blockStrings(base), ...carouselStrings(base), ...videoStrings(base) }),
        visitor: render({ ...visitorStringsFor(base), ...teaserStrings(base), transcriptHeading: transcriptHeading(base) }),
      };
      for (const group of ['chat', 'blocks', 'visitor'] as const) {
        expect(Object.keys(got[group]).sort(), `${base}.${group}`).toEqual(Object.keys(en[group]).sort());
        for (const [k, v] of Object.entries(got[group])) {
          expect(v.trim(), `${base}.${group}.${k}`).not.toBe('');
          // A translated table: the strings that are words differ from English (not copied).
          if (!['defaultTitle', 'transcript', 'assistant'].includes(k) && /[a-z]{4}/i.test(en[group][k] ?? '')) {
            expect(v, `${base}.${group}.${k} is still English`).not.toBe(en[group][k]);
          }
        }
      }
    }
  });

  it("plurals follow each language's rules", async () => {
    await Promise.all(['fr', 'de', 'es', 'ar', 'he'].map((l) => loadLocale(l)));
    expect(stringsFor('fr').unread(1)).toBe('1 message non lu');
    expect(stringsFor('fr').unread(0)).toBe('0 message non lu'); // French: 0 is singular
    expect(stringsFor('fr').unread(2)).toBe('2 messages non lus');
    expect(stringsFor('de').unread(1)).toBe('1 ungelesene Nachricht');
    expect(stringsFor('de').unread(5)).toBe('5 ungelesene Nachrichten');
    expect(stringsFor('es').unread(1)).toBe('1 mensaje sin leer');
    expect(stringsFor('es').unread(3)).toBe('3 mensajes sin leer');
    expect(stringsFor('ar').unread(2)).toBe('رسالتان غير مقروءتين');
    expect(stringsFor('ar').unread(3)).toContain('رسائل');
    expect(stringsFor('ar').unread(11)).toContain('رسالة');
    expect(stringsFor('he').unread(2)).toBe('שתי הודעות שלא נקראו');
    expect(plural('en', 1, { one: '{n} cat', other: '{n} cats' })).toBe('1 cat');
    expect(plural('en', 1200, { one: '{n} cat', other: '{n} cats' })).toBe('1,200 cats');
  });

  it('lang="auto" takes the first supported language of navigator.languages', () => {
    expect(resolveLang('auto', ['pt-BR', 'de-CH', 'fr'])).toBe('de');
    expect(resolveLang('auto', ['ja', 'zh'])).toBe('en');
    expect(resolveLang('auto', [])).toBe('en');
    expect(resolveLang('AUTO', ['he-IL'])).toBe('he');
    expect(resolveLang('fr-CA')).toBe('fr');
    expect(resolveLang('xx')).toBe('en');
    expect(resolveLang('__proto__')).toBe('en');
  });

  it('Arabic and Hebrew are right-to-left even before their pack loads', () => {
    expect(dirOf('ar')).toBe('rtl');
    expect(dirOf('he')).toBe('rtl');
    expect(dirOf('fr')).toBe('ltr');
    expect(dirOf('en')).toBe('ltr');
  });
});
