/**
 * The launcher shell: what `<indigo-chat>` shows before the widget is loaded. No Lit, no
 * template strings parsed as HTML (DOM calls only, so Trusted Types have nothing to
 * check), styles through a constructed stylesheet (allowed under `style-src 'self'`).
 * It renders into the element's own shadow root with the same parts as the widget
 * (`launcher`, `badge`), so page CSS written for `::part(launcher)` applies to both; when
 * `<indigo-chat>` gets defined it clears itself and hands focus over to the real launcher.
 */
import { pickLang } from '../components/i18n/lang-tag.js';

/**
 * The launcher's accessible name, what a failed load says, and the unread phrase, per
 * language (en fallback), as the language packs say them (src/components/i18n/packs).
 * Arabic and Hebrew: the count as a bare number (their plural phrases would cost every page
 * ~250 B gzip; the widget's launcher says them once it is there).
 */
const TEXT: Readonly<Record<string, readonly [open: string, failed: string, one?: string, many?: string]>> = {
  en: ['Open chat', 'Chat unavailable. Try again.', 'unread message', 'unread messages'],
  it: ['Apri la chat', 'Chat non disponibile. Riprova.', 'messaggio non letto', 'messaggi non letti'],
  fr: ['Ouvrir le chat', 'Chat indisponible. Réessayez.', 'message non lu', 'messages non lus'],
  de: ['Chat öffnen', 'Chat nicht verfügbar. Erneut versuchen.', 'ungelesene Nachricht', 'ungelesene Nachrichten'],
  es: ['Abrir el chat', 'Chat no disponible. Vuelve a intentarlo.', 'mensaje sin leer', 'mensajes sin leer'],
  ar: ['فتح الدردشة', 'الدردشة غير متاحة. أعد المحاولة.'],
  he: ['פתיחת הצ׳אט', 'הצ׳אט אינו זמין. נסו שוב.'],
};

const textOf = (lang: string) => TEXT[pickLang(lang, (b) => b in TEXT)]!;

/** Mirrors the widget's launcher rules (indigo-chat.styles.ts) so the swap shows no jump (its safe-area margin too). */
const CSS =
  ':host{--_a:var(--indigo-chat-accent,#4f46e5);--_o:var(--indigo-chat-on-accent,#fff);position:fixed;z-index:var(--indigo-chat-z-index,2147483000);bottom:20px;right:20px;margin:0 env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);display:block}' +
  // Any case, blanks around (`~=`, `i`), as the widget reads the keyword (keywordOf).
  ':host([position~=left i]){right:auto;left:20px}:host([hidden]){display:none}' +
  '@media (prefers-color-scheme:dark){:host{--_a:var(--indigo-chat-accent,#8b85ff)}}' +
  '@supports (color:oklch(from red l c h)){:host{--_o:var(--indigo-chat-on-accent,oklch(from var(--_a) clamp(0.13,(0.62 - l)*1000,1) 0 0))}}' +
  'button{position:relative;box-sizing:border-box;width:56px;height:56px;border-radius:50%;border:1px solid transparent;background:var(--_a);color:var(--_o);cursor:pointer;box-shadow:0 6px 20px rgb(0 0 0/.25);display:grid;place-items:center;padding:0}' +
  // The ring in the accent, softened where color-mix() is known (Chrome 111, Safari 16.2).
  'button:focus-visible{outline:3px solid var(--_a);outline-offset:2px}@supports (color:color-mix(in srgb,red,red)){button:focus-visible{outline-color:color-mix(in srgb,var(--_a) 60%,transparent)}}' +
  'svg{width:26px;height:26px}' +
  // Waiting for the widget after a click: the icon pulses (dims, without motion wanted).
  '[aria-busy=true] svg{animation:p .6s infinite alternate}@keyframes p{to{opacity:.35}}' +
  '@media (prefers-reduced-motion:reduce){[aria-busy=true] svg{animation:none;opacity:.6}}' +
  '[part~=badge],.x{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#d93025;color:#fff;font:600 12px/20px system-ui,sans-serif;box-sizing:border-box;outline:1px solid transparent;outline-offset:-1px}.x{right:auto;left:-4px}' +
  '.s{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}';

const CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';

export interface ShellOptions {
  readonly lang: string;
  /** Pointer over, focus or touch: the visitor may open soon (load ahead). */
  readonly onIntent: () => void;
  /** Click (mouse, Enter, Space): open. */
  readonly onActivate: () => void;
}

export interface Shell {
  /** Waiting for the widget after an activation (a new wait clears a failure). */
  busy(on: boolean): void;
  /**
   * The widget could not be loaded: a "!" mark until the next try, and words for screen
   * readers (a status said once, and the launcher's description until the next try).
   */
  failed(): void;
  /** Show the unread count (0 hides the badge). */
  unread(count: number): void;
  readonly button: HTMLButtonElement;
}

/** `lang` as on the element: a tag, or `auto` (the visitor's first language the shell speaks). */
export function launcherText(lang: string, unread: number): string {
  const [open, , one = '', many = ''] = textOf(lang);
  return unread > 0 ? `${open}, ${unread} ${unread === 1 ? one : many}`.trim() : open;
}

let sheet: CSSStyleSheet | null = null;

export function mountShell(el: HTMLElement, o: ShellOptions): Shell {
  const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
  // LitElement renders before the shadow root's first child as it was at upgrade time;
  // this empty comment stays, so that anchor is still there after the shell has gone.
  if (!root.firstChild) root.append(document.createComment(''));
  let style: HTMLStyleElement | undefined;
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sheet];
  } else {
    // Safari before 16.4: a <style>, which a strict `style-src` admits only with the page's
    // nonce (`window.litNonce`, the one Lit's own fallback uses for the widget).
    style = document.createElement('style');
    const nonce = (globalThis as { litNonce?: string }).litNonce;
    if (nonce) style.setAttribute('nonce', nonce);
    style.textContent = CSS;
    root.append(style);
  }
  const button = document.createElement('button');
  // Its words' language, not the host's `lang` (`auto`, or a region the shell says as its base).
  const said = document.createElement('span');
  let lang = o.lang;
  let count = 0;
  let mark: HTMLSpanElement | null = null;
  // In the element's language, and again when the page changes it before the widget is here
  // (a site switching its language in place).
  const speak = () => {
    button.lang = said.lang = pickLang(lang, (b) => b in TEXT);
    button.setAttribute('aria-label', launcherText(lang, count));
    // Said again only when its words change (a live region announces each write).
    if (mark && said.textContent !== textOf(lang)[1]) said.textContent = textOf(lang)[1];
  };
  const follow = new MutationObserver(() => {
    lang = el.getAttribute('lang') ?? 'en';
    speak();
  });
  follow.observe(el, { attributeFilter: ['lang'] });
  button.type = 'button';
  button.setAttribute('part', 'launcher');
  speak();
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-haspopup', 'dialog');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('fill', 'currentColor');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', CHAT_ICON);
  svg.append(path);
  button.append(svg);
  let badge: HTMLSpanElement | null = null;
  for (const type of ['pointerenter', 'focus', 'touchstart']) button.addEventListener(type, o.onIntent, { once: true, passive: true });
  button.addEventListener('click', o.onActivate);
  // Says a failed load: the "!" is only seen. A status from the start, so that its words
  // are announced when they come; the launcher points at it while it has them.
  said.className = 's';
  said.id = 's';
  said.setAttribute('role', 'status');
  root.append(button, said);

  // Whoever defines <indigo-chat> (this loader, or another copy of the widget on the
  // page), the shell steps aside before the widget's first render (the whenDefined
  // callback runs before Lit's first update), and focus follows to the real launcher.
  void customElements.whenDefined(el.localName).then(() => {
    const focused = root.activeElement === button;
    follow.disconnect();
    button.remove();
    said.remove();
    style?.remove();
    if (!focused) return;
    void (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
      const next = root.querySelector<HTMLElement>('[part~="launcher"]');
      // Opening moves focus into the panel itself; only an unopened launcher needs it back.
      if (next && !root.activeElement) next.focus();
    });
  });
  return {
    button,
    unread(n) {
      count = n;
      speak();
      if (count <= 0) {
        badge?.remove();
        badge = null;
        return;
      }
      if (!badge) {
        badge = document.createElement('span');
        badge.setAttribute('part', 'badge');
        badge.setAttribute('aria-hidden', 'true');
        button.append(badge);
      }
      badge.textContent = String(count);
    },
    busy(on) {
      if (on) {
        button.setAttribute('aria-busy', 'true');
        button.removeAttribute('aria-describedby');
        said.textContent = '';
        mark?.remove();
        mark = null;
      } else button.removeAttribute('aria-busy');
    },
    failed() {
      if (!mark) {
        mark = document.createElement('span');
        mark.className = 'x';
        mark.setAttribute('aria-hidden', 'true');
        mark.textContent = '!';
        button.append(mark);
        speak();
        button.setAttribute('aria-describedby', 's');
      }
    },
  };
}
