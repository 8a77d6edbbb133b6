// French, German and Spanish consent/disclosure strings travel in their locale packs
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

  it('Italian is built in; a pack without privacy strings (ar) stays English', async () => {
    expect(privacyStrings('it').aiGenerated).toBe("generato dall'IA");
    await loadLocale('ar');
    expect(privacyStrings('ar').aiGenerated).toBe('AI-generated');
  });
});
