/**
 * Plural-aware strings: `plural('fr', 2, {one: '{n} message non lu', other: '{n} messages non lus'})`.
 * The category comes from `Intl.PluralRules`, so Arabic's zero/two/few/many work like
 * English's one/other; a missing category falls back to `other`.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { readonly other: string };

const rules = new Map<string, Intl.PluralRules>();

export function plural(lang: string, n: number, forms: PluralForms): string {
  let r = rules.get(lang);
  if (!r) {
    r = new Intl.PluralRules(lang);
    rules.set(lang, r);
  }
  const form = forms[r.select(n)] ?? forms.other;
  return form.replace('{n}', new Intl.NumberFormat(lang).format(n));
}
