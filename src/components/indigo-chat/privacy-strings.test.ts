// Consent/disclosure strings of every language but English and Italian travel in their locale packs
// (loaded on demand), not in the widget's open-time bytes.
import { describe, expect, it } from 'vitest';
import { loadLocale } from '../i18n/locales.js';
import { privacyStrings } from './privacy.js';

describe('privacy strings', () => {
  it("English until a pack is loaded, the pack's own strings after", async () => {
    expect(privacyStrings('de').aiGenerated).toBe('AI-generated');
    await loadLocale('de');
    expect(privacyStrings('de-AT').aiGenerated).toBe('KI-generiert');
    await Promise.all([loadLocale('fr'), loadLocale('es')]);
    expect([privacyStrings('fr').aiGenerated, privacyStrings('es').aiGenerated]).toEqual(['généré par IA', 'generado por IA']);
  });

  it('Italian is built in; Arabic and Hebrew come with their packs', async () => {
    expect(privacyStrings('it').aiGenerated).toBe("generato dall'IA");
    expect(privacyStrings('he').aiGenerated).toBe('AI-generated');
    await Promise.all([loadLocale('ar'), loadLocale('he')]);
    expect(privacyStrings('ar').aiGenerated).toBe('من إنشاء الذكاء الاصطناعي');
    expect(privacyStrings('he-IL').aiGenerated).toBe('נוצר על ידי בינה מלאכותית');
  });
});
