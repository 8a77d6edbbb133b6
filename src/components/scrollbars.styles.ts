import { css } from 'lit';

/**
 * Thin, themed scrollbars for the transcript and the carousel strip in every engine.
 * Chromium and Firefox take the standard `scrollbar-width`/`scrollbar-color`. WebKit
 * (Safari, WebKitGTK) has no `scrollbar-color` and, with `scrollbar-width` set, ignores
 * `::-webkit-scrollbar` and draws the platform's own (GTK) bars: there it gets the
 * `::-webkit-scrollbar` pseudo-elements instead.
 */
export const scrollbarStyles = css`
  [part~='transcript'],
  .carousel-strip {
    scrollbar-width: thin;
    scrollbar-color: var(--_line) transparent;
  }
  @supports not (scrollbar-color: red blue) {
    [part~='transcript'],
    .carousel-strip {
      scrollbar-width: auto;
    }
    [part~='transcript']::-webkit-scrollbar,
    .carousel-strip::-webkit-scrollbar {
      width: 8px;
      height: 8px;
      background: transparent;
    }
    [part~='transcript']::-webkit-scrollbar-thumb,
    .carousel-strip::-webkit-scrollbar-thumb {
      border-radius: 4px;
      background: var(--_line);
    }
  }
`;
