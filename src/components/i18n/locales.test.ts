import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringsFor } from '../indigo-chat/strings.js';
import { dirOf, isReady, loadLocale, resolveLang, supportedLanguages } from './locales.js';
import { plural } from './plural.js';

const packFiles = readdirSync(fileURLToPath(new URL('./packs/', import.meta.url)))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''));

// Completeness of every pack: packs-complete.test.ts.

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
