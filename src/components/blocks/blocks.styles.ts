import { css } from 'lit';

/**
 * Styles of the bot blocks. They live in the element's shadow root (parts must sit on
 * these very elements), so every selector is a class of ours: nothing styles `:host`.
 * Colours come from the element's public variables; `--_*` are private shorthands.
 */
export const blockStyles = css`
  :is(.bubble, .caption, .media, .quick-replies, .carousel) {
    --_text: var(--indigo-chat-text, #1f2328);
    --_surface: var(--indigo-chat-surface, #ffffff);
    --_accent: var(--indigo-chat-accent, #4f46e5);
    --_on-accent: var(--indigo-chat-on-accent, #ffffff);
    --_radius: var(--indigo-chat-radius, 12px);
    --_soft: color-mix(in srgb, var(--_text) 7%, var(--_surface));
    --_line: color-mix(in srgb, var(--_text) 16%, transparent);
    box-sizing: border-box;
    max-width: 100%;
    font-family: var(--indigo-chat-font, inherit);
    color: var(--_text);
  }
  @media (prefers-color-scheme: dark) {
    :is(.bubble, .caption, .media, .quick-replies, .carousel) {
      --_text: var(--indigo-chat-text, #e7e7ea);
      --_surface: var(--indigo-chat-surface, #1d1e22);
      --_accent: var(--indigo-chat-accent, #9a9cff);
      --_on-accent: var(--indigo-chat-on-accent, #111216);
      --_soft: color-mix(in srgb, var(--_text) 12%, var(--_surface));
    }
  }
  /* Text on the accent as the element picks it (indigo-chat.styles.ts): a light brand
     colour gets near-black on hover, not white. */
  @supports (color: oklch(from red l c h)) {
    :is(.bubble, .caption, .media, .quick-replies, .carousel) {
      --_on-accent: var(--indigo-chat-on-accent, oklch(from var(--_accent) clamp(0.13, (0.62 - l) * 1000, 1) 0 0));
    }
  }
  :is(.bubble, .caption, .media, .quick-replies, .carousel) + :is(.bubble, .caption, .media, .quick-replies, .carousel) {
    margin-top: 0.4em;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  /* Text bubbles and their (sanitized) content. */
  .bubble {
    width: fit-content;
    padding: 0.6em 0.85em;
    border-radius: var(--_radius);
    background: var(--_soft);
    line-height: 1.45;
    overflow-wrap: anywhere;
  }
  .bubble :where(p, ul, ol, pre, blockquote, table, h1, h2, h3, h4, h5, h6, hr) {
    margin: 0.5em 0;
  }
  .bubble :where(h1, h2, h3, h4, h5, h6) {
    font-size: 1.05em;
    line-height: 1.3;
  }
  .bubble :where(ul, ol) {
    padding-inline-start: 1.4em;
  }
  /* The streaming view groups settled segments in [data-segment-group] wrappers of its own. */
  .bubble > :first-child,
  .bubble > .generation-body > :first-child,
  .bubble > .generation-body > [data-segment-group]:first-child > :first-child {
    margin-top: 0;
  }
  .bubble > :last-child,
  .bubble > .generation-body > :last-child,
  .bubble > .generation-body > [data-segment-group]:last-child > :last-child {
    margin-bottom: 0;
  }
  .bubble a {
    color: var(--_accent);
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  .bubble img {
    max-width: 100%;
    height: auto;
    border-radius: calc(var(--_radius) / 2);
  }
  .bubble table {
    display: block;
    max-width: 100%;
    overflow-x: auto;
    border-collapse: collapse;
    font-size: 0.92em;
  }
  .bubble :is(th, td) {
    border: 1px solid var(--_line);
    padding: 0.3em 0.5em;
    text-align: start;
    vertical-align: top;
  }
  .bubble code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .bubble pre {
    max-width: 100%;
    overflow-x: auto;
    padding: 0.6em 0.75em;
    /* See-through here; forced colors paint it where they drop the tint. */
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) / 2);
    background: color-mix(in srgb, var(--_text) 8%, transparent);
  }
  .bubble pre code {
    white-space: pre;
    overflow-wrap: normal;
  }
  .bubble blockquote {
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--_line);
    margin-inline: 0;
  }
  .caption {
    padding: 0 0.25em;
    font-size: 0.8em;
    line-height: 1.35;
    opacity: 0.75;
  }
  .caption :where(p) {
    margin: 0;
  }
  .caption a {
    color: inherit;
  }
  /* Under an answer shown as plain text (a degraded generation). */
  .plain-text-notice {
    margin: 0;
    padding: 0 0.25em;
    font-size: 0.8em;
    line-height: 1.35;
    opacity: 0.75;
  }

  /* Images and videos: a reserved box first, the natural size once loaded. */
  .media {
    width: fit-content;
  }
  .image {
    display: block;
    width: 320px;
    max-width: 100%;
    aspect-ratio: 4 / 3;
    min-height: 120px;
    object-fit: cover;
    border-radius: var(--_radius);
    background: var(--_soft);
  }
  .image.loaded {
    width: auto;
    height: auto;
    min-height: 0;
    aspect-ratio: auto;
    object-fit: contain;
    background: none;
  }
  .image.failed {
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 0.5em;
    font-size: 0.85em;
  }
  /* A block whose renderer is still loading (lazy-part.ts): a quiet box of about its size. */
  .lazy-part {
    display: block;
    width: 320px;
    max-width: 100%;
    min-height: 3em;
    border-radius: var(--_radius);
    background: var(--_soft);
  }
  .lazy-part.carousel {
    width: 100%;
    min-height: 16em;
  }
  .lazy-part.video {
    aspect-ratio: 16 / 9;
  }

  /* An image in bot HTML from an origin nobody allowed: loads on click (html/media-gate.ts). */
  .blocked-media {
    display: inline-block;
    max-width: 100%;
    vertical-align: middle;
  }
  .blocked-media-load {
    display: inline-flex;
    align-items: center;
    min-height: 2.25em;
    max-width: 100%;
    padding: 0.35em 0.8em;
    border: 1px dashed currentColor;
    border-radius: var(--_radius);
    background: transparent;
    color: inherit;
    font: inherit;
    font-size: 0.9em;
    text-align: start;
    overflow-wrap: anywhere;
    cursor: pointer;
  }
  .blocked-media-load:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  /* Quick replies and card actions: native buttons and links. */
  .quick-replies {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em;
  }
  :is(.quick-replies, .card-actions) :is(.button, .link) {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35em;
    min-height: 2.25em;
    padding: 0.35em 0.9em;
    border: 1px solid var(--_accent);
    border-radius: 999px;
    background: transparent;
    color: var(--_accent);
    font: inherit;
    font-size: 0.92em;
    line-height: 1.2;
    text-align: center;
    text-decoration: none;
    cursor: pointer;
    max-width: 100%;
    overflow-wrap: anywhere;
  }
  :is(.quick-replies, .card-actions) :is(.button:not(:disabled), .link):hover {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .icon {
    flex: none;
  }

  :is(.bubble, .caption, .media, .quick-replies, .carousel) :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  /* Before color-mix() (Chrome 111, Safari 16.2): translucent greys (indigo-chat.styles.ts),
     last, so they win over the rules above. */
  @supports not (color: color-mix(in srgb, red, red)) {
    :is(.bubble, .caption, .media, .quick-replies, .carousel) {
      --_soft: rgb(128 128 128 / 0.13);
      --_line: rgb(128 128 128 / 0.3);
    }
    .bubble pre {
      background: rgb(128 128 128 / 0.13);
    }
  }
`;
