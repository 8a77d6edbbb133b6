import { html } from 'lit';

/** The close icon: the header's close button, the open launcher, the teaser's dismiss (lazy chunk). */
export const closeIcon = html`<svg
  viewBox="0 0 24 24"
  aria-hidden="true"
  fill="none"
  stroke="currentColor"
  stroke-width="2.2"
  stroke-linecap="round"
>
  <path d="M6 6l12 12M18 6L6 18" />
</svg>`;
