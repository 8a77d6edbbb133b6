/**
 * The consent notice (`consent="required"`), loaded only for elements that require consent
 * (privacy.ts renders it through lazyPart): its text, Accept/Decline, the owner's privacy
 * link, its strings and styles.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { safeUrl } from '../../html/url-policy.js';
import { consentStrings } from './consent-strings.js';
import type { ConsentView } from './privacy.js';

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
export function renderConsent(v: ConsentView, lang: string): TemplateResult {
  const s = consentStrings(lang);
  const href = ownerLink(v.privacyUrl);
  return html`<div
    part="consent"
    class="consent"
    role="group"
    aria-labelledby="${v.id}-consent-title"
    aria-describedby="${v.id}-consent-text"
  >
    <h3 id="${v.id}-consent-title" class="consent-title">${s.consentTitle}</h3>
    <p id="${v.id}-consent-text" class="consent-text">${v.text.trim() || s.consentText}</p>
    ${
      href
        ? html`<p class="consent-link">
            <a href=${href} target="_blank" rel="noopener noreferrer"
              >${s.privacyPolicy}<span class="visually-hidden"> ${s.opensInNewTab}</span></a
            >
          </p>`
        : nothing
    }
    <div class="consent-actions">
      <button part="consent-accept" class="consent-accept" type="button" @click=${v.onAccept}>${s.accept}</button>
      <button part="consent-decline" class="consent-decline" type="button" @click=${v.onDecline}>${s.decline}</button>
    </div>
  </div>`;
}

/** Adopted into the shadow root with the first notice. */
export const styles = css`
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
    overflow-wrap: anywhere;
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
