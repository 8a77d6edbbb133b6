/**
 * The transcript as a file (`.txt` or a standalone `.html`), loaded with a dynamic
 * `import()` from the header menu: visitors who never download pay nothing for it.
 *
 * The HTML file is sanitized (every bot fragment through the view's frozen DOMPurify
 * policy, every other string as text), carries no script and forbids any with its own
 * Content-Security-Policy, styles itself inline, and loads nothing: images become links.
 */
import type { Action, Block, Card, Message, Transcript } from '../../core/conversation/types.js';
import { safeUrl } from '../../html/url-policy.js';
import { extensionStrings } from '../blocks/extension-strings.js';
import { mapUrl } from '../blocks/render-blocks.js';
import { blockStrings } from '../blocks/strings.js';
import { dirOf } from '../i18n/locales.js';
import { answerContent } from './answer-content.js';
import { stringsFor } from './strings.js';
import { transcriptHeading } from './export-strings.js';
import { dayKey, fullDate } from './time-format.js';

export type TranscriptFormat = 'txt' | 'html';

export interface ExportOptions {
  readonly format: TranscriptFormat;
  /** The widget's title (header). */
  readonly title: string;
  /** The site's title (`document.title`); the file name starts with it. */
  readonly siteTitle: string;
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  readonly mediaOrigins: readonly string[];
  readonly now: number;
  readonly you: string;
  readonly assistant: string;
  heading(title: string, date: string): string;
}

export interface ExportedFile {
  readonly name: string;
  readonly type: string;
  readonly content: string;
}

/** `Indigo Bikes | Shop` + date -> `indigo-bikes-shop-2026-11-29.txt`. */
export function fileName(siteTitle: string, now: number, format: TranscriptFormat): string {
  const slug = siteTitle
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'chat'}-${dayKey(now)}.${format}`;
}

interface Entry {
  readonly who: string;
  readonly when: string;
  readonly text: string;
  /** Sanitized markup (bot) or null (escape `text`). */
  readonly html: string | null;
  readonly user: boolean;
}

/**
 * The blocks' lines besides the answer's text, each URL through the view's URL policy
 * (a URL the view refuses is not written; nor is its item when the URL is all it has).
 */
function blockLines(b: Block, o: ExportOptions): string[] {
  const media = (url: string) => safeUrl(url, 'media', { mediaOrigins: o.mediaOrigins });
  const labelled = (label: string, href: string) => (label ? `[${label}] ${href}` : href);
  const action = (a: Action) => {
    if (a.type === 'button') return `[${a.label}]`;
    const href = safeUrl(a.url, 'link', { mediaOrigins: o.mediaOrigins });
    return href === null ? '' : labelled(a.label, href);
  };
  const actions = (list: readonly Action[]) => list.map(action).filter(Boolean).join(' ');
  const card = (c: Card) => {
    const src = c.image ? media(c.image.src) : null;
    return [
      `- ${[c.title, c.description].filter(Boolean).join(': ')}`,
      src === null ? '' : labelled(c.image?.alt || 'image', src),
      actions(c.actions),
    ];
  };
  switch (b.kind) {
    case 'image':
    case 'video': {
      const src = media(b.src);
      return src === null ? [] : [labelled(b.alt || b.kind, src)];
    }
    case 'actions':
      return [actions(b.actions)];
    case 'carousel':
      return b.cards.flatMap(card);
    case 'audio': {
      const src = media(b.src);
      return src === null ? [] : [labelled(b.title || extensionStrings(o.lang).audio, src)];
    }
    case 'file': {
      // As the view: fetched like media, or opened like a link; http(s) only.
      const href = media(b.url) ?? safeUrl(b.url, 'link');
      return href === null || !/^https?:/i.test(href) ? [] : [labelled(b.name.trim(), href)];
    }
    case 'location': {
      const href = safeUrl(mapUrl(b.latitude, b.longitude), 'link');
      return [
        [b.title || extensionStrings(o.lang).location, b.address].filter(Boolean).join(', '),
        href === null ? '' : labelled(blockStrings(o.lang).openMap, href),
      ];
    }
    case 'select':
      return [b.label || extensionStrings(o.lang).chooseOption, b.options.map((x) => `[${x.label}]`).join(' ')];
    case 'text':
    case 'generation':
      return [];
  }
}

function entries(messages: readonly Message[], o: ExportOptions): Entry[] {
  const out: Entry[] = [];
  for (const m of messages) {
    const when = fullDate(m.at, o.lang);
    if (m.role === 'user') {
      out.push({ who: o.you, when, text: m.text, html: null, user: true });
      continue;
    }
    const content = answerContent(m, o.mediaOrigins, true);
    const extra = m.blocks.flatMap((b) => blockLines(b, o)).filter(Boolean);
    const text = [content.text, ...extra].filter(Boolean).join('\n');
    if (text === '') continue;
    const extraHtml = extra.map((line) => `<p class="extra">${escapeHtml(line)}</p>`).join('');
    out.push({ who: o.assistant, when, text, html: content.html + extraHtml, user: false });
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2330;background:#fff}
h1{font-size:1.25rem}ol{list-style:none;padding:0}li{margin:0 0 1rem;padding:.5rem .75rem;border-radius:10px;background:#f1f1f4}
li.user{background:#e8e7fd;margin-inline-start:15%}li.bot{margin-inline-end:15%}.meta{margin:0 0 .25rem;font-size:.8rem;color:#555}
pre{white-space:pre-wrap}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem}.extra{color:#444}`;

export function buildTranscript(t: Transcript, o: ExportOptions): ExportedFile {
  const list = entries(t.messages, o);
  const date = fullDate(o.now, o.lang);
  const heading = o.heading(o.title, date);
  const name = fileName(o.siteTitle || o.title, o.now, o.format);
  if (o.format === 'txt') {
    const body = list.map((e) => `${e.who} (${e.when}):\n${e.text}`).join('\n\n');
    return { name, type: 'text/plain;charset=utf-8', content: `${heading}\n\n${body}\n` };
  }
  const items = list
    .map(
      (e) =>
        `<li class="${e.user ? 'user' : 'bot'}"><p class="meta"><strong>${escapeHtml(e.who)}</strong> · <time>${escapeHtml(e.when)}</time></p>` +
        `<div dir="auto">${e.html ?? `<p>${escapeHtml(e.text).replace(/\n/g, '<br>')}</p>`}</div></li>`,
    )
    .join('\n');
  const content = `<!doctype html>
<html lang="${escapeHtml(o.lang)}" dir="${o.dir}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(heading)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
<ol>
${items}
</ol>
</body>
</html>
`;
  return { name, type: 'text/html;charset=utf-8', content };
}

/** Hand the file to the browser's download (an object URL on a temporary `<a download>`). */
export function downloadFile(file: ExportedFile, parent: Node & ParentNode): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.hidden = true;
  parent.append(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the URL dies.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The header menu's download (the element's `download()`): the file in the widget's language. */
export function exportTranscript(
  t: Transcript,
  format: TranscriptFormat,
  title: string,
  lang: string,
  mediaOrigins: readonly string[],
  parent: Node & ParentNode,
): void {
  const s = stringsFor(lang);
  const file = buildTranscript(t, {
    format,
    title: title || s.defaultTitle,
    siteTitle: typeof document !== 'undefined' ? document.title : '',
    lang,
    dir: dirOf(lang),
    mediaOrigins,
    now: Date.now(),
    you: s.you,
    assistant: s.assistant,
    heading: transcriptHeading(lang),
  });
  downloadFile(file, parent);
}
