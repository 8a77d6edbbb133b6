/**
 * The consent notice and the AI disclosure (issue 7), kept out of the element's main file.
 *
 * - Consent (`consent="required"`): before the visitor accepts, the panel shows the owner's
 *   notice with Accept/Decline, and nothing is sent or stored. Accept: the conversation
 *   starts and the choice is remembered with it. Decline: `decline-action="memory"`
 *   (default) keeps the chat usable with nothing stored on the device; `"close"` closes
 *   the panel (the notice shows again on the next open).
 * - Disclosure (EU AI Act art. 50): a short line at the start of every conversation saying
 *   the visitor talks to an AI system (`disclosure` sets the text, `off` removes it when the
 *   owner discloses elsewhere), and answers with generated content labelled "AI-generated"
 *   for assistive technology.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { BotMessage } from '../../core/index.js';
import { safeUrl } from '../../html/url-policy.js';
import { loadedPack } from '../i18n/locales.js';

export type ConsentState = 'not-required' | 'pending' | 'accepted' | 'declined';
export type DeclineAction = 'memory' | 'close';

export interface PrivacyStrings {
  /** The AI disclosure line. */
  readonly disclosure: string;
  /** Screen-reader label of a bot message with generated content. */
  readonly aiGenerated: string;
  /** Default consent notice (the owner's `consent-text` replaces it). */
  readonly consentText: string;
  readonly consentTitle: string;
  readonly accept: string;
  readonly decline: string;
  readonly privacyPolicy: string;
  readonly opensInNewTab: string;
  /** Shown under the transcript after Decline with `decline-action="memory"`. */
  readonly memoryOnly: string;
}

const en: PrivacyStrings = {
  disclosure: "You're chatting with an AI assistant. Answers are generated automatically and may contain mistakes.",
  aiGenerated: 'AI-generated',
  consentText:
    'This chat is run by an AI assistant. To answer, your messages are sent to our service provider, and the conversation is saved in this browser so it survives a reload.',
  consentTitle: 'Before you start',
  accept: 'Accept',
  decline: 'Decline',
  privacyPolicy: 'Privacy policy',
  opensInNewTab: '(opens in a new tab)',
  memoryOnly: 'Nothing is saved on this device: the conversation ends when you leave the page.',
};

const it: PrivacyStrings = {
  disclosure: 'Stai parlando con un assistente basato su intelligenza artificiale. Le risposte sono generate automaticamente e possono contenere errori.',
  aiGenerated: "generato dall'IA",
  consentText:
    'Questa chat è gestita da un assistente IA. Per rispondere, i tuoi messaggi vengono inviati al nostro fornitore del servizio e la conversazione viene salvata in questo browser per sopravvivere a un ricaricamento.',
  consentTitle: 'Prima di iniziare',
  accept: 'Accetto',
  decline: 'Rifiuto',
  privacyPolicy: 'Informativa sulla privacy',
  opensInNewTab: '(si apre in una nuova scheda)',
  memoryOnly: 'Niente viene salvato su questo dispositivo: la conversazione finisce quando lasci la pagina.',
};

// Other languages carry theirs in their locale pack (loaded on demand; English until then).
const table: Readonly<Record<string, PrivacyStrings>> = { en, it };

/** Same resolution as the element's strings: `it-IT` -> Italian, unknown -> English. */
export function privacyStrings(lang: string | null | undefined): PrivacyStrings {
  const base = (lang ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.prototype.hasOwnProperty.call(table, base) ? (table[base] ?? en) : (loadedPack(base)?.privacy ?? en);
}

/** A bot message whose content (partly) comes from a language model. */
export function hasGeneratedContent(m: BotMessage): boolean {
  return m.blocks.some((b) => b.kind === 'generation' || (b.kind === 'text' && b.generated));
}

/** The disclosure line, or nothing with `disclosure="off"`. */
export function renderDisclosure(setting: string, s: PrivacyStrings): TemplateResult | typeof nothing {
  const text = setting.trim();
  if (text.toLowerCase() === 'off') return nothing;
  return html`<div part="disclosure" class="disclosure" role="listitem">${text || s.disclosure}</div>`;
}

export interface ConsentView {
  readonly id: string;
  readonly text: string;
  readonly privacyUrl: string;
  readonly onAccept: () => void;
  readonly onDecline: () => void;
}

/**
 * The owner's privacy page: a relative URL resolves against the page, the page's own
 * origin is fine (the owner set it, not the bot); anything else goes through the link
 * policy (no `javascript:`, no private hosts).
 */
export function ownerLink(value: string): string | null {
  if (!value.trim()) return null;
  let url: URL;
  try {
    url = new URL(value.trim(), typeof document !== 'undefined' ? document.baseURI : undefined);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (typeof location !== 'undefined' && url.origin === location.origin) return url.href;
  return safeUrl(url.href, 'link');
}

/** The notice shown in place of the conversation until the visitor chooses. */
export function renderConsent(v: ConsentView, s: PrivacyStrings): TemplateResult {
  const href = ownerLink(v.privacyUrl);
  return html`<div part="consent" class="consent" role="group" aria-labelledby="${v.id}-consent-title" aria-describedby="${v.id}-consent-text">
    <h3 id="${v.id}-consent-title" class="consent-title">${s.consentTitle}</h3>
    <p id="${v.id}-consent-text" class="consent-text">${v.text.trim() || s.consentText}</p>
    ${href
      ? html`<p class="consent-link">
          <a href=${href} target="_blank" rel="noopener noreferrer">${s.privacyPolicy}<span class="visually-hidden"> ${s.opensInNewTab}</span></a>
        </p>`
      : nothing}
    <div class="consent-actions">
      <button part="consent-accept" class="consent-accept" type="button" @click=${v.onAccept}>${s.accept}</button>
      <button part="consent-decline" class="consent-decline" type="button" @click=${v.onDecline}>${s.decline}</button>
    </div>
  </div>`;
}

/** Styles of the notice, the disclosure line and the memory-only note. */
export const privacyStyles = css`
  .body[hidden],
  [part~='composer'][hidden],
  [part~='restart'][hidden] {
    display: none;
  }
  [part~='disclosure'],
  .memory-only {
    align-self: center;
    max-width: 92%;
    margin: 0;
    font-size: 12px;
    line-height: 1.4;
    text-align: center;
    color: inherit;
    opacity: 0.85;
  }
  [part~='consent'] {
    flex: 1;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    justify-content: center;
    gap: 10px;
    padding: 18px 16px;
  }
  .consent-title {
    margin: 0;
    font-size: 16px;
  }
  .consent-text,
  .consent-link {
    margin: 0;
    font-size: 14px;
    line-height: 1.45;
  }
  .consent-link a {
    color: inherit;
  }
  .consent-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-top: 4px;
  }
  .consent-actions button {
    min-height: 40px;
    padding: 8px 16px;
    border-radius: 8px;
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  [part~='consent-accept'] {
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  [part~='consent-decline'] {
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
  }
  .consent-actions button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
