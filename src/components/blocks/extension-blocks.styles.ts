import { css } from 'lit';

/** Styles of the protocol-extension blocks (audio, file, location, select). */
export const extensionBlockStyles = css`
  .ext {
    display: flex;
    flex-direction: column;
    gap: 0.35em;
    max-width: 100%;
    overflow-wrap: anywhere;
  }
  .ext-title {
    font-weight: 600;
    line-height: 1.3;
  }
  .audio {
    display: block;
    width: 300px;
    max-width: 100%;
  }
  .file,
  .location {
    display: flex;
    flex-direction: row;
    align-items: center;
    gap: 0.6em;
    padding: 0.55em 0.8em;
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    text-decoration: none;
    overflow-wrap: anywhere;
  }
  .file:hover {
    border-color: var(--_accent);
  }
  .file-icon {
    display: inline-flex;
    flex-direction: column;
    align-items: center;
    color: var(--_accent);
  }
  .file-type {
    font-size: 0.65em;
    font-weight: 700;
    letter-spacing: 0.02em;
  }
  .file-name {
    font-weight: 600;
  }
  .file-size,
  .location-address {
    color: color-mix(in srgb, var(--_text) 70%, transparent);
    font-size: 0.9em;
  }
  .location-pin {
    color: var(--_accent);
    display: inline-flex;
  }
  .location-text {
    display: flex;
    flex-direction: column;
    gap: 0.15em;
  }
  .map-link {
    color: var(--_accent);
  }
  .select-row {
    display: flex;
    gap: 0.4em;
    flex-wrap: wrap;
  }
  .select {
    min-height: 2.25em;
    min-width: 10em;
    max-width: 100%;
    padding: 0.3em 0.5em;
    border: 1px solid var(--_line);
    border-radius: calc(var(--_radius) / 1.5);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
  }
  .select-send {
    min-height: 2.25em;
    padding: 0.35em 0.9em;
    border: 1px solid var(--_accent);
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_on-accent);
    font: inherit;
    cursor: pointer;
  }
  .ext :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
