/**
 * Renderers of the protocol-extension blocks: `audio`, `file`, `location`, `select`
 * (docs/decisions/protocol-extensions.md). Every URL goes through the one URL policy; nothing here
 * makes a request before the visitor acts (`preload="none"`, a map *link*, no tiles).
 */
import { html, nothing } from 'lit';
import type { AudioBlock, FileBlock, LocationBlock, SelectBlock } from '../../core/conversation/types.js';
import { safeUrl } from '../../html/url-policy.js';
import type { CoreBlockStrings } from './strings.js';
import { extensionStrings } from './extension-strings.js';
import { mapUrl } from './render-blocks.js';

/** Loaded on demand (lazy-part.ts): these styles join the shadow root with the first block. */
export { extensionBlockStyles as styles } from './extension-blocks.styles.js';

export interface ExtensionContext {
  lang: string;
  mediaOrigins: readonly string[];
  onPayload(payload: string, label: string): void;
  /** Warns once per refused item (the caller's warnOnce). */
  refused(item: object, what: string): void;
}

const fileIcon = html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
  <path d="M4 1.5h5.5L13 5v9.5H4zM9.5 1.5V5H13" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round"></path>
</svg>`;
const pinIcon = html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
  <path d="M8 15s5-5.2 5-9A5 5 0 0 0 3 6c0 3.8 5 9 5 9z" fill="none" stroke="currentColor" stroke-width="1.4"></path>
  <circle cx="8" cy="6" r="1.8" fill="currentColor"></circle>
</svg>`;

export function renderAudio(block: AudioBlock, ctx: ExtensionContext) {
  const src = safeUrl(block.src, 'media', { mediaOrigins: ctx.mediaOrigins });
  if (src === null) {
    ctx.refused(block, `Audio ${block.id}`);
    return nothing;
  }
  const s = extensionStrings(ctx.lang);
  return html`<div class="media ext audio-block">
    ${block.title ? html`<span class="ext-title">${block.title}</span>` : nothing}
    <audio part="audio" class="audio" controls preload="none" src=${src} aria-label=${block.title || s.audio}></audio>
  </div>`;
}

/** `PDF`, `MP3`…: from the name, else the URL, else the MIME subtype; '' when unknown. */
export function fileType(block: Pick<FileBlock, 'name' | 'url' | 'mimeType'>): string {
  const ext = (s: string) => /\.([a-z0-9]{1,5})$/i.exec(s)?.[1];
  let path = '';
  try {
    path = new URL(block.url).pathname;
  } catch {
    // no path
  }
  const found = ext(block.name) ?? ext(path) ?? /\/([a-z0-9]{1,8})$/i.exec(block.mimeType)?.[1];
  return found ? found.toUpperCase() : '';
}

export function formatSize(bytes: number | null, lang: string): string {
  if (bytes === null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(n)} ${units[u]}`;
}

function fileName(block: FileBlock): string {
  if (block.name.trim() !== '') return block.name;
  try {
    const last = new URL(block.url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : block.url;
  } catch {
    return block.url;
  }
}

export function renderFile(block: FileBlock, ctx: ExtensionContext, strings: CoreBlockStrings) {
  // A file is fetched like media (so the site's media origins apply) or opened like a link.
  const href = safeUrl(block.url, 'media', { mediaOrigins: ctx.mediaOrigins }) ?? safeUrl(block.url, 'link');
  if (href === null || !/^https?:/i.test(href)) {
    ctx.refused(block, `File ${block.id}`);
    return nothing;
  }
  const s = extensionStrings(ctx.lang);
  const name = fileName(block);
  const type = fileType(block);
  const size = formatSize(block.size, ctx.lang);
  // `download` only works (and is only honest) for same-origin files; others open in a new tab.
  const sameOrigin = typeof location !== 'undefined' && new URL(href).origin === location.origin;
  return html`<div class="media ext file-block">
    <a
      part="file"
      class="file"
      href=${href}
      ?download=${sameOrigin}
      target=${sameOrigin ? nothing : '_blank'}
      rel=${sameOrigin ? nothing : 'noopener noreferrer'}
    >
      <span class="file-icon">${fileIcon}${type ? html`<span class="file-type" aria-hidden="true">${type}</span>` : nothing}</span>
      <span class="file-name">${name}</span>
      <span class="visually-hidden">${s.fileKind(type || s.file)}</span>
      ${size ? html`<span class="file-size">${size}</span>` : nothing}
      ${sameOrigin ? nothing : html`<span class="visually-hidden">${strings.opensInNewTab}</span>`}
    </a>
  </div>`;
}

export function renderLocation(block: LocationBlock, ctx: ExtensionContext, strings: CoreBlockStrings) {
  const s = extensionStrings(ctx.lang);
  const href = safeUrl(mapUrl(block.latitude, block.longitude), 'link');
  const title = block.title || s.location;
  return html`<div part="location" class="media ext location" role="group" aria-label=${title}>
    <span class="location-pin">${pinIcon}</span>
    <span class="location-text">
      <span class="ext-title">${title}</span>
      ${block.address ? html`<span class="location-address">${block.address}</span>` : nothing}
      ${
        href
          ? html`<a part="link" class="link map-link" href=${href} target="_blank" rel="noopener noreferrer"
              >${strings.openMap}<span class="visually-hidden"> ${strings.opensInNewTab}</span></a
            >`
          : nothing
      }
    </span>
  </div>`;
}

export function renderSelect(block: SelectBlock, active: boolean, ctx: ExtensionContext) {
  const s = extensionStrings(ctx.lang);
  const selectId = `select-${block.id}`;
  const submit = (event: Event) => {
    event.preventDefault();
    if (!active) return;
    const form = event.currentTarget as HTMLFormElement;
    const select = form.querySelector('select');
    const option = select && select.value !== '' ? block.options[Number(select.value)] : undefined;
    if (!option) {
      select?.focus();
      return;
    }
    ctx.onPayload(option.payload, option.label);
  };
  return html`<form class="media ext select-block" @submit=${submit}>
    <label class="ext-title" for=${selectId}>${block.label || s.chooseOption}</label>
    <span class="select-row">
      <select part="select" class="select" id=${selectId} ?disabled=${!active}>
        <option value="" selected disabled>${s.choosePlaceholder}</option>
        ${block.options.map((o, i) => html`<option value=${String(i)}>${o.label}</option>`)}
      </select>
      <button part="button" class="button select-send" type="submit" ?disabled=${!active}>${s.sendChoice}</button>
    </span>
  </form>`;
}
