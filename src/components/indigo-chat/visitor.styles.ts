import { css } from 'lit';

/**
 * Styles of the visitor features: stop, copy, times and day separators, voice input, and
 * the modal panel on phones and in fullscreen (the header menu's list comes with its
 * behaviour, header-menu-keys.ts; the teaser's with teaser.ts). Logical properties
 * throughout, so right-to-left languages mirror without extra rules; the launcher's
 * corner (`position`) is the one physical choice, made by the site owner.
 */
export const visitorStyles = css`
  :host {
    /* Small print (12 px) needs 4.5:1: a stronger muted than the shared one. */
    --_small-print: color-mix(in srgb, var(--_text) 75%, var(--_surface));
  }
  .meta {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 4px 8px;
    min-height: 20px;
    font-size: 12px;
    color: var(--_small-print);
  }
  [part~='message-user'] .meta {
    justify-content: flex-end;
  }
  /* Hidden until looked at (hover, focus) where there is a hover; on a touch screen always
     shown, its text written by the tap (pointerover). */
  @media (hover: hover) {
    [part~='message']:not(:hover, :focus-within) [part~='time'] {
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: no-preference) {
    [part~='time'] {
      transition: opacity 0.15s;
    }
  }
  .answer-actions {
    display: inline-flex;
    gap: 2px;
  }
  .answer-actions .icon-button {
    width: 28px;
    height: 28px;
    color: var(--_small-print);
  }
  .answer-actions .icon-button:hover {
    background: var(--_bot-bg);
    color: var(--_text);
  }
  .answer-actions .icon-button svg {
    width: 16px;
    height: 16px;
  }
  [part~='copy'][data-copied] {
    color: var(--_accent);
  }
  .status.stopped {
    font-style: italic;
    color: var(--_small-print);
  }
  [part~='day'] {
    display: flex;
    align-items: center;
    gap: 8px;
    align-self: stretch;
    font-size: 12px;
    color: var(--_small-print);
  }
  [part~='day']::before,
  [part~='day']::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid var(--_line);
  }

  /* Stop and voice input, beside the send button */
  /* [part~='stop'] shares the send button's look (indigo-chat.styles.ts). */
  [part~='stop'] svg {
    width: 18px;
    height: 18px;
  }
  [part~='mic'] {
    width: 40px;
    height: 40px;
    color: var(--_muted);
  }
  [part~='mic'][data-listening] {
    color: var(--_accent);
    background: var(--_bot-bg);
  }
  /* Forced colors (one block for the whole widget, after the rules it overrides): what only
     a background drew gets a system colour. The typing dots are drawn in the text colour,
     the header keeps an edge over the conversation; listening, and a copy button that just
     copied, are filled with the system's selection colours. */
  @media (forced-colors: active) {
    [part~='typing'] span {
      background: CanvasText;
    }
    [part~='header'] {
      border-bottom: 1px solid;
    }
    [part~='mic'][data-listening],
    [part~='copy'][data-copied] {
      background: Highlight;
      color: HighlightText;
    }
  }
  @media (prefers-reduced-motion: no-preference) {
    [part~='mic'][data-listening] {
      animation: indigo-listen 1.2s ease-in-out infinite;
    }
  }
  @keyframes indigo-listen {
    50% {
      opacity: 0.55;
    }
  }

  /* The modal panel: phones (<= 480 px wide, <= 440 px tall) and fullscreen, in the top layer,
     on the visual viewport (its top moves when iOS pans to the composer), its content inside
     the safe area (a notch, the home indicator; 0 without viewport-fit=cover), the strip under
     the status bar in the header's colour. */
  dialog.modal[part~='panel'] {
    position: fixed;
    inset: var(--indigo-chat-vvt, 0) 0 auto 0;
    margin: 0;
    padding: 0 env(safe-area-inset-right) var(--indigo-chat-vvb, env(safe-area-inset-bottom)) env(safe-area-inset-left);
    border: 0;
    border-top: env(safe-area-inset-top) solid var(--_accent);
    border-radius: 0;
    box-shadow: none;
    width: 100vw;
    max-width: none;
    height: var(--indigo-chat-vvh, 100dvh);
    max-height: none;
  }
  dialog.modal[part~='panel']:not([open]) {
    display: none;
  }
  dialog.modal::backdrop {
    background: rgb(0 0 0 / 0.3);
  }
  /* iOS zooms into inputs under 16 px. */
  .modal [part~='input'] {
    font-size: max(16px, 1em);
  }
`;
