import { css } from 'lit';

/**
 * Theming: two variables carry the brand (`--indigo-chat-accent`, `--indigo-chat-surface`);
 * everything else derives from them. Dark mode changes only the defaults, so a site that
 * sets the variables wins in both schemes. Adopted stylesheets only: works under a CSP
 * without `unsafe-inline` styles.
 */
export const indigoChatStyles = css`
  :host {
    --_accent: var(--indigo-chat-accent, #4f46e5);
    --_surface: var(--indigo-chat-surface, #ffffff);
    --_text: var(--indigo-chat-text, #1f2330);
    --_radius: var(--indigo-chat-radius, 14px);
    --_muted: color-mix(in srgb, var(--_text) 60%, var(--_surface));
    --_line: color-mix(in srgb, var(--_text) 14%, var(--_surface));
    --_bot-bg: color-mix(in srgb, var(--_text) 7%, var(--_surface));
    --_focus: color-mix(in srgb, var(--_accent) 60%, transparent);
    --_on-accent: var(--indigo-chat-on-accent, #ffffff);
    font-family: var(--indigo-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: 15px;
    line-height: 1.45;
    color: var(--_text);
    display: block;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_surface: var(--indigo-chat-surface, #17181d);
      --_text: var(--indigo-chat-text, #eceef4);
      --_accent: var(--indigo-chat-accent, #8b85ff);
    }
  }
  /* Before color-mix() (Chrome 111, Safari 16.2) the mixes above are invalid where used (no
     tint, no line, no focus ring): translucent greys that read on light and dark surfaces
     alike (the same tint as the mixes on the default themes) and the full colours instead. */
  @supports not (color: color-mix(in srgb, red, red)) {
    :host {
      --_muted: var(--_text);
      --_line: rgb(128 128 128 / 0.3);
      --_bot-bg: rgb(128 128 128 / 0.13);
      --_focus: var(--_accent);
    }
  }
  /* Text on the accent: white or near-black, whichever reads on it (the OKLCH lightness
     0.62 is about where the two contrasts cross), so a light brand colour (or the dark
     scheme's lighter default) never ends up with white text at 3:1. The owner's
     --indigo-chat-on-accent wins over both. */
  @supports (color: oklch(from red l c h)) {
    :host {
      --_on-accent: var(--indigo-chat-on-accent, oklch(from var(--_accent) clamp(0.13, (0.62 - l) * 1000, 1) 0 0));
    }
  }
  :host([hidden]) {
    display: none;
  }
  /* Clear of a notch or the home indicator on a page with viewport-fit=cover (0 elsewhere). */
  :host([mode='launcher']) {
    position: fixed;
    z-index: var(--indigo-chat-z-index, 2147483000);
    bottom: 20px;
    right: 20px;
    margin: 0 env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);
  }
  :host([mode='launcher'][position='left']) {
    right: auto;
    left: 20px;
  }
  :host([mode='fullscreen']) {
    position: fixed;
    inset: 0;
    z-index: var(--indigo-chat-z-index, 2147483000);
  }
  :host([mode='inline']) {
    height: var(--indigo-chat-height, 560px);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .root {
    height: 100%;
  }
  /* A quick second tap (carousel Next, thumbs, Send) is a tap, not a double-tap zoom. */
  button {
    touch-action: manipulation;
  }
  [part~='launcher'] {
    position: relative;
    width: 56px;
    height: 56px;
    border-radius: 50%;
    border: 1px solid transparent;
    background: var(--_accent);
    color: var(--_on-accent);
    cursor: pointer;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.25);
    display: grid;
    place-items: center;
  }
  [part~='launcher'] svg {
    width: 26px;
    height: 26px;
  }
  [part~='launcher']:focus-visible,
  button:focus-visible,
  textarea:focus-visible,
  [part~='transcript']:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  /* Inside its box: the panel clips what goes past the transcript's sides. */
  [part~='transcript']:focus-visible {
    outline-offset: -3px;
  }
  [part~='badge'] {
    position: absolute;
    top: -4px;
    inset-inline-end: -4px;
    min-width: 20px;
    height: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: #d93025;
    color: #fff;
    font-size: 12px;
    line-height: 20px;
    font-weight: 600;
  }
  [part~='panel'] {
    display: flex;
    flex-direction: column;
    background: var(--_surface);
    color: var(--_text);
    overflow: hidden;
    height: 100%;
    width: 100%;
  }
  .launcher [part~='panel'] {
    position: absolute;
    bottom: 72px;
    right: 0;
    width: var(--indigo-chat-width, 380px);
    height: var(--indigo-chat-height, 600px);
    max-height: calc(100vh - 110px);
    max-height: calc(100dvh - 110px);
    max-width: calc(100vw - 40px);
    border-radius: var(--_radius);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.28);
  }
  :host([position='left']) .launcher [part~='panel'] {
    right: auto;
    left: 0;
  }
  .inline [part~='panel'] {
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
  }
  [part~='panel'][hidden] {
    display: none;
  }
  [part~='header'] {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 10px 12px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  [part~='avatar'] {
    width: 34px;
    height: 34px;
    border-radius: 50%;
    object-fit: cover;
    background: var(--_surface);
  }
  .titles {
    flex: 1;
    min-width: 0;
  }
  [part~='title'] {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='subtitle'] {
    margin: 0;
    font-size: 13px;
    /* Full colour, no opacity: the header is painted with the site's brand colour, and a
       faded subtitle fails contrast on many of them. */
  }
  .icon-button {
    width: 34px;
    height: 34px;
    border: 1px solid transparent;
    border-radius: 8px;
    background: transparent;
    color: inherit;
    cursor: pointer;
    display: grid;
    place-items: center;
  }
  .icon-button:hover {
    background: rgb(255 255 255 / 0.15);
  }
  /* The accent ring is invisible on the accent header: its text colour there (WCAG 2.4.7). */
  [part~='header'] button:focus-visible {
    outline-color: var(--_on-accent);
  }
  .icon-button svg {
    width: 20px;
    height: 20px;
  }
  .body {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  [part~='transcript'] {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    /* Opaque like the panel behind it, so Chromium scrolls it on the compositor at 1x
       device pixels too (keeping LCD text); a transparent scroller there repaints and
       re-layerizes on every scroll, a cost that grew with the answer. */
    background: var(--_surface);
    padding: 14px 12px 6px;
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin: 0;
    list-style: none;
  }
  /* Messages skip layout and paint while off screen (long transcripts); the streaming one
     too: containment switched on when a 200 KB answer ended restyled all of it at once. */
  [part~='message'] {
    display: flex;
    flex-direction: column;
    gap: 6px;
    max-width: 88%;
    content-visibility: auto;
    contain-intrinsic-size: auto 80px;
  }
  [part~='message-user'] {
    align-self: flex-end;
    align-items: flex-end;
  }
  [part~='message-bot'] {
    align-self: flex-start;
  }
  .user-bubble {
    background: var(--_accent);
    color: var(--_on-accent);
    padding: 8px 12px;
    border-radius: var(--_radius);
    border-end-end-radius: 4px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .status {
    font-size: 12px;
    color: var(--_muted);
  }
  .status.failed {
    color: #d93025;
  }
  [part~='message-bot'] [part~='bubble'] {
    background: var(--_bot-bg);
    padding: 8px 12px;
    border-radius: var(--_radius);
    border-end-start-radius: 4px;
    overflow-wrap: anywhere;
  }
  /* Forced colors paint a transparent outline in the system's text colour: the bubbles, the
     typing indicator, notices, the unread badge and the floating panel (whose edge is a
     shadow, dropped there) keep an edge when their backgrounds go (an outline: no layout
     change elsewhere). What only a background drew gets a system colour there instead
     (typing dots, the header's edge, the listening microphone): visitor.styles.ts. */
  .user-bubble,
  [part~='message-bot'] [part~='bubble'],
  [part~='typing'],
  [part~='notice'],
  [part~='badge'],
  .launcher [part~='panel'] {
    outline: 1px solid transparent;
    outline-offset: -1px;
  }
  [part~='message'].queued .user-bubble {
    opacity: 0.6;
  }
  [part~='typing'] {
    display: inline-flex;
    gap: 4px;
    padding: 10px 12px;
    border-radius: var(--_radius);
    background: var(--_bot-bg);
    align-self: flex-start;
  }
  [part~='typing'] span {
    width: 7px;
    height: 7px;
    border-radius: 50%;
    background: var(--_muted);
    animation: blink 1.2s infinite ease-in-out;
  }
  [part~='typing'] span:nth-child(2) {
    animation-delay: 0.2s;
  }
  [part~='typing'] span:nth-child(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.3;
    }
    40% {
      opacity: 1;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='typing'] span {
      animation: none;
    }
  }
  [part~='jump'] {
    position: absolute;
    bottom: 8px;
    inset-inline: 0;
    margin-inline: auto;
    width: fit-content;
    border: 1px solid var(--_line);
    background: var(--_surface);
    color: var(--_text);
    border-radius: 16px;
    padding: 4px 12px;
    cursor: pointer;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.15);
  }
  [part~='notice'] {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 0 12px 6px;
    padding: 6px 10px;
    font-size: 13px;
    border-radius: 8px;
    /* Over the panel's surface: the same colour as mixing 18% amber into it, in every engine. */
    background: rgb(249 171 0 / 0.18);
  }
  [part~='retry'] {
    margin-inline-start: auto;
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
    border-radius: 6px;
    padding: 2px 10px;
    cursor: pointer;
  }
  [part~='composer'] {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: 8px 10px 10px;
    border-top: 1px solid var(--_line);
  }
  [part~='input'] {
    flex: 1;
    resize: none;
    max-height: 120px;
    min-height: 40px;
    padding: 9px 12px;
    border: 1px solid var(--_line);
    border-radius: 10px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
  }
  [part~='send'],
  [part~='stop'] {
    width: 40px;
    height: 40px;
    border: 1px solid transparent;
    border-radius: 10px;
    background: var(--_accent);
    color: var(--_on-accent);
    cursor: pointer;
    display: grid;
    place-items: center;
  }
  [part~='send'] svg {
    width: 20px;
    height: 20px;
  }
  /* The paper plane points the way the text runs. */
  [dir='rtl'] [part~='send'] svg {
    scale: -1 1;
  }
  /* .visually-hidden comes from blockStyles (same shadow root). */
`;
