// Every visitor-facing string table, in every shipped language: a pack that lacks a key,
// leaves it empty or still says it in English fails here, and so does a string module
// that resolves through localized() without being listed below (a new table cannot be
// added for English and Italian only without this test noticing).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockStrings } from '../blocks/strings.js';
import { carouselStrings } from '../blocks/carousel-strings.js';
import { extensionStrings } from '../blocks/extension-strings.js';
import { videoStrings } from '../blocks/video-strings.js';
import { feedbackStrings } from '../feedback/strings.js';
import { consentStrings } from '../indigo-chat/consent-strings.js';
import { countText } from '../indigo-chat/char-count.js';
import { transcriptHeading } from '../indigo-chat/export-strings.js';
import { privacyStrings } from '../indigo-chat/privacy.js';
import { stringsFor } from '../indigo-chat/strings.js';
import { teaserStrings } from '../indigo-chat/teaser-strings.js';
import { loadLocale, supportedLanguages, visitorStringsFor } from './locales.js';

const src = fileURLToPath(new URL('../../', import.meta.url));

/** Each string module (path under src/) and the lookups it exports, as the widget calls them. */
const TABLES: Readonly<Record<string, Readonly<Record<string, (lang: string) => object>>>> = {
  'components/indigo-chat/strings.ts': { chat: stringsFor },
  'components/blocks/strings.ts': { blocks: blockStrings },
  'components/blocks/carousel-strings.ts': { carousel: carouselStrings },
  'components/blocks/video-strings.ts': { video: videoStrings },
  'components/blocks/extension-strings.ts': { extension: extensionStrings },
  'components/i18n/locales.ts': { visitor: visitorStringsFor },
  'components/indigo-chat/teaser-strings.ts': { teaser: teaserStrings },
  'components/indigo-chat/export-strings.ts': { transcript: (l) => ({ transcriptHeading: transcriptHeading(l) }) },
  'components/indigo-chat/char-count.ts': {
    count: (l) => ({ left: countText(3990, 4000, l), over: countText(4002, 4000, l) }),
  },
  'components/indigo-chat/privacy.ts': { disclosure: privacyStrings },
  'components/indigo-chat/consent-strings.ts': { consent: consentStrings },
  'components/feedback/strings.ts': { feedback: feedbackStrings },
};

/** Strings that are rightly the same word as English in these languages. */
const SAME_AS_ENGLISH: Readonly<Record<string, readonly string[]>> = {
  'chat.defaultTitle': ['it', 'fr', 'de', 'es'], // "Chat"
  'chat.transcript': ['fr'], // "Conversation"
  'chat.assistant': ['fr'], // "Assistant"
  'extension.file': ['it'], // "file"
};

/**
 * Sample arguments for the function-valued strings: every number a CSAT score can be, an
 * empty and a present optional title/alt, so each branch of each function is rendered.
 */
const SAMPLES: readonly (readonly unknown[])[] = [
  [1, 1, 'Pizza'],
  [2, 5, ''],
  [3, 7, 'Kit'],
  [4, 2, ''],
  [5, 3, 'Wiki'],
];

/** `{group.key[#sample]: text}` for every string of a table, nested tables included. */
function flatten(value: unknown, path: string, out: Record<string, string>): Record<string, string> {
  if (typeof value === 'function') {
    SAMPLES.forEach((args, i) => (out[`${path}#${i}`] = String((value as (...a: unknown[]) => unknown)(...args))));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, `${path}.${k}`, out);
  } else {
    out[path] = String(value);
  }
  return out;
}

function everyString(lang: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lookups of Object.values(TABLES)) for (const [group, get] of Object.entries(lookups)) flatten(get(lang), group, out);
  return out;
}

const languages = supportedLanguages().filter((l) => l !== 'en');

describe('every visitor-facing string in every language', () => {
  beforeAll(async () => {
    for (const l of languages) if (l !== 'it') expect(await loadLocale(l), l).not.toBe(null);
  });

  it('lists every string module that resolves through localized()', () => {
    const modules: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name) && !/\.test(-helper)?\.ts$/.test(e.name) && /\blocalized\((?!\))/.test(readFileSync(p, 'utf8')))
          modules.push(relative(src, p).split('\\').join('/'));
      }
    };
    walk(src);
    expect(modules.sort()).toEqual(Object.keys(TABLES).sort());
  });

  it('the string modules keep English and Italian only: other languages live in their packs', () => {
    const others = languages.filter((l) => l !== 'it');
    const entry = new RegExp(`^\\s*['"]?(${others.join('|')})['"]?\\s*:`, 'm');
    // locales.ts is the one file that names the packs (its loader table, one lazy chunk each).
    for (const file of Object.keys(TABLES).filter((f) => f !== 'components/i18n/locales.ts')) {
      const code = readFileSync(join(src, file), 'utf8');
      expect(entry.exec(code)?.[0] ?? null, `${file} has a table of its own for another language`).toBe(null);
      expect(code, `${file} imports a pack`).not.toMatch(/(from|import\()\s*['"][^'"]*\/packs\//);
    }
  });

  it.each(languages)('%s: every key of English, non-empty, translated', (lang) => {
    const en = everyString('en');
    const got = everyString(lang);
    // A pack's group may hold more than the table asks for (a lazy chunk reads part of it).
    for (const [key, english] of Object.entries(en)) {
      const text = got[key];
      expect(text, `${lang} lacks ${key}`).toBeTypeOf('string');
      if (text === undefined) continue;
      expect(text.trim(), `${lang} ${key} is empty`).not.toBe('');
      expect(text, `${lang} ${key}`).not.toMatch(/undefined|NaN|\[object/);
      const base = key.replace(/#\d+$/, '');
      // Words (not just numbers and brackets) must not be left in English.
      if (/[a-z]{4}/i.test(english) && !SAME_AS_ENGLISH[base]?.includes(lang)) {
        expect(text, `${lang} ${key} is still English`).not.toBe(english);
      }
    }
  });

  // Controls side by side are told apart by name (docs/decisions/focus-and-status-announcements.md):
  // a thumbs-down reason is not named like a thumb, the card strip not like its carousel.
  it.each(['en', ...languages])('%s: controls side by side have names of their own', (lang) => {
    const f = feedbackStrings(lang);
    const thumbs = [f.up, f.down].map((t) => t.toLowerCase());
    const clashes = Object.entries(f.reasons).filter(([, name]) => thumbs.includes(name.toLowerCase()));
    expect(clashes, `${lang} reasons named like a thumb`).toEqual([]);
    const c = carouselStrings(lang);
    expect(c.cardList.toLowerCase()).not.toBe(c.carousel.toLowerCase());
  });

  it('punctuation follows each language: French spacing and apostrophes, Arabic marks', () => {
    const fr = Object.entries(everyString('fr'));
    // A normal space before a high punctuation mark lets it wrap to the next line alone.
    expect(fr.filter(([, t]) => / [:;?!»]|« /.test(t)).map(([k]) => k)).toEqual([]);
    expect(fr.filter(([, t]) => t.includes("'")).map(([k]) => k)).toEqual([]);
    // Arabic writes its own question mark, comma and semicolon.
    expect(
      Object.entries(everyString('ar'))
        .filter(([, t]) => /[?,;]/.test(t))
        .map(([k]) => k),
    ).toEqual([]);
  });
});
