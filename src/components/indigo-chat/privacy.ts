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
import { localized } from '../i18n/locales.js';
import { lazyModule, lazyPart } from '../blocks/lazy-part.js';

// The notice itself (renderer, strings, styles) loads when consent is required.
const consentPart = lazyModule('consent', () => import('./consent.js'), false);

export type ConsentState = 'not-required' | 'pending' | 'accepted' | 'declined';
export type DeclineAction = 'memory' | 'close';

/** What the open path needs; the consent notice's own strings load with it (consent.ts). */
export type DisclosureStrings = Pick<PrivacyStrings, 'disclosure' | 'aiGenerated' | 'memoryOnly' | 'consentTitle' | 'accept' | 'decline'>;

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

const en: DisclosureStrings = {
  disclosure: "You're chatting with an AI assistant. Answers are generated automatically and may contain mistakes.",
  aiGenerated: 'AI-generated',
  memoryOnly: 'Nothing is saved on this device: the conversation ends when you leave the page.',
  // The consent notice's fallback (its own chunk failed to load) names itself and its buttons too.
  consentTitle: 'Before you start',
  accept: 'Accept',
  decline: 'Decline',
};

const it: DisclosureStrings = {
  disclosure:
    'Stai parlando con un assistente basato su intelligenza artificiale. Le risposte sono generate automaticamente e possono contenere errori.',
  aiGenerated: "generato dall'IA",
  memoryOnly: 'Niente viene salvato su questo dispositivo: la conversazione finisce quando lasci la pagina.',
  consentTitle: 'Prima di iniziare',
  accept: 'Accetto',
  decline: 'Rifiuto',
};

// Other languages carry theirs in their locale pack (loaded on demand; English until then).
const table: Readonly<Record<string, DisclosureStrings>> = { en, it };

/** Same resolution as the element's strings: `it-IT` -> Italian, unknown -> English. */
export function privacyStrings(lang: string | null | undefined): DisclosureStrings {
  return localized(table, lang, (p) => p.privacy);
}

/** A bot message whose content (partly) comes from a language model. */
export function hasGeneratedContent(m: BotMessage): boolean {
  return m.blocks.some((b) => b.kind === 'generation' || (b.kind === 'text' && b.generated));
}

/** The disclosure line, or nothing with `disclosure="off"`. */
export function renderDisclosure(setting: string, s: DisclosureStrings): TemplateResult | typeof nothing {
  // String(): the `disclosure` property set from a script may be null or anything else.
  const text = String(setting ?? '').trim();
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

/** Styles of the disclosure line and the memory-only note (the notice's own: consent.ts). */
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
`;

/**
 * The consent notice: rendered by consent.ts once loaded (a quiet box until then; if the
 * import fails, the owner's text or the disclosure with plain Accept/Decline buttons, so
 * the visitor can always choose).
 */
export function renderConsent(v: ConsentView, lang: string): unknown {
  return lazyPart(
    consentPart,
    (m) => m.renderConsent(v, lang),
    () => html`<div class="consent" aria-busy="true"></div>`,
    () => {
      const s = privacyStrings(lang);
      return html`<div part="consent" class="consent" role="group" aria-label=${s.consentTitle}>
        <p class="consent-text">${v.text.trim() || s.disclosure}</p>
        <div class="consent-actions">
          <button part="consent-accept" type="button" @click=${v.onAccept}>${s.accept}</button>
          <button part="consent-decline" type="button" @click=${v.onDecline}>${s.decline}</button>
        </div>
      </div>`;
    },
  );
}

/** Run `then` once the consent notice can show (at once when it already can). */
export function whenConsentShown(then: () => void): void {
  if (consentPart.mod || consentPart.failed) then();
  else consentPart.load().then(then, then);
}
