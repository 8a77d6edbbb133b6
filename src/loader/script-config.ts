/** The script tag's `data-*` attributes and how an element is made from them. */

/** data-* attribute -> element attribute. */
export const DATA_ATTRIBUTES: Readonly<Record<string, string>> = {
  'data-relay': 'relay',
  'data-title': 'title',
  'data-subtitle': 'subtitle',
  'data-lang': 'lang',
  'data-mode': 'mode',
  'data-position': 'position',
  'data-avatar': 'avatar',
  'data-welcome': 'welcome',
  'data-storage': 'storage',
  'data-media-origins': 'media-origins',
  'data-delta-unit': 'delta-unit',
  'data-source': 'source',
  'data-id': 'id',
  'data-consent': 'consent',
  'data-consent-text': 'consent-text',
  'data-privacy-url': 'privacy-url',
  'data-decline-action': 'decline-action',
  'data-disclosure': 'disclosure',
  'data-teaser': 'teaser',
  'data-teaser-delay': 'teaser-delay',
  'data-csat': 'csat',
};

/**
 * The script tag that loaded us. `document.currentScript` is set while a classic script
 * (async included) runs its top level; the selector is the fallback for anything else.
 */
export function findScript(current: Element | null): HTMLScriptElement | null {
  if (current instanceof HTMLScriptElement) return current;
  return document.querySelector<HTMLScriptElement>('script[src*="indigo-chat"][data-relay]');
}

/** A not-yet-upgraded `<indigo-chat>` carrying the tag's `data-*` as attributes. */
export function elementFromScript(script: HTMLScriptElement | null): HTMLElement {
  const el = document.createElement('indigo-chat');
  if (script) {
    for (const [data, attr] of Object.entries(DATA_ATTRIBUTES)) {
      const value = script.getAttribute(data);
      if (value !== null) el.setAttribute(attr, value);
    }
  }
  return el;
}
