import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type {
  Action,
  ActionsBlock,
  AudioBlock,
  Block,
  BotMessage,
  CarouselBlock,
  FileBlock,
  GenerationBlock,
  ImageBlock,
  LocationBlock,
  SelectBlock,
  TextBlock,
  VideoBlock,
  WarningCode,
} from '../../core/conversation/types.js';
import { skipNever } from '../../core/never.js';
import type { SanitizeOptions } from '../../html/sanitize.js';
import { safeUrl, urlAction } from '../../html/url-policy.js';
import { blockStyles } from './blocks.styles.js';
import { generationView } from './generation-view.js';
import { sanitizedContent } from './sanitized-content.js';
import { blockStrings, type CoreBlockStrings } from './strings.js';
import type { ExtensionContext } from './extension-blocks.js';
import { lazyModule, lazyPart } from './lazy-part.js';

// Rarely used blocks load on demand (docs/decisions/open-time-bytes.md).
const carouselPart = lazyModule('carousel', () => import('./carousel.js'));
const videoPart = lazyModule('video', () => import('./video.js'));
const extensionPart = lazyModule('extension-blocks', () => import('./extension-blocks.js'));

export { blockStyles };

export interface BlockContext {
  /** 'en' | 'it' (others -> en). */
  lang: string;
  /** Extra allowed media origins for the URL policy. */
  mediaOrigins: readonly string[];
  /**
   * Origins images in bot HTML may load from on render (page, relay, platform media,
   * `media-origins`; `*` for any). Others become click-to-load placeholders. Absent: the
   * page's origin and `mediaOrigins`.
   */
  loadOrigins?: readonly string[];
  /** Only this actions block's buttons are enabled (older quick replies inactive); links always work. */
  activeActionsId: string | null;
  /**
   * Optional: the bot message whose carousel buttons are active (the last bot message when
   * no visitor message follows it, else null). Covers turns with a carousel but no quick
   * replies, where `activeActionsId` is null.
   */
  activeMessageId?: string | null;
  /**
   * The conversation is on screen (the launcher's panel open, an inline chat seen). Until
   * then videos do not preload (`preload="none"`): a conversation restored from an earlier
   * visit fetches nothing before the visitor opens the chat on this page. Absent: on screen.
   */
  shown?: boolean;
  /** A quick-reply or card button was clicked. */
  onPayload(payload: string, label: string): void;
  /** E.g. a URL was refused, a generation degraded. Called once per item, after the render. */
  onWarning(code: WarningCode, message: string): void;
}

/**
 * Items we already warned about. Keyed by the (immutable, structurally shared) transcript
 * object that carried the refused value, so re-rendering the same message warns once.
 */
const warned = new WeakSet<object>();

export function warnOnce(ctx: BlockContext, item: object, code: WarningCode, message: string): void {
  if (warned.has(item)) return;
  warned.add(item);
  // After the render: the element may update state from a warning, never mid-update.
  queueMicrotask(() => {
    try {
      ctx.onWarning(code, message);
    } catch {
      // A throwing listener must not break rendering of the rest of the transcript.
    }
  });
}

export function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value;
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

/**
 * Renders one bot message's blocks as native UI. The element wraps the result in its
 * `part="message message-bot"`. Captions go last, as a small line under the message.
 */
export function renderBotBlocks(message: BotMessage, ctx: BlockContext): TemplateResult {
  const strings = blockStrings(ctx.lang);
  const ordered: Block[] = [];
  const captions: Block[] = [];
  for (const block of message.blocks) {
    (block.kind === 'text' && block.caption ? captions : ordered).push(block);
  }
  ordered.push(...captions);
  return html`${repeat(
    ordered,
    (block) => block.id,
    (block) => renderBlock(block, message, ctx, strings),
  )}`;
}

function renderBlock(block: Block, message: BotMessage, ctx: BlockContext, strings: CoreBlockStrings) {
  switch (block.kind) {
    case 'text':
      return renderText(block, ctx);
    case 'generation':
      return renderGeneration(block, message, ctx, strings);
    case 'image':
      return renderImage(block, ctx);
    case 'video':
      return renderVideo(block, ctx, strings);
    case 'actions':
      return renderActionsBlock(block, ctx, strings);
    case 'carousel':
      if (block.cards.length === 0) return nothing;
      return lazy(block, message, ctx, strings, carouselPart, (m) => m.renderCarousel(block, message, ctx, strings));
    case 'audio':
      return lazy(block, message, ctx, strings, extensionPart, (m) => m.renderAudio(block, extensionContext(ctx)));
    case 'file':
      return lazy(block, message, ctx, strings, extensionPart, (m) => m.renderFile(block, extensionContext(ctx), strings));
    case 'location':
      return lazy(block, message, ctx, strings, extensionPart, (m) => m.renderLocation(block, extensionContext(ctx), strings));
    case 'select':
      return lazy(block, message, ctx, strings, extensionPart, (m) =>
        m.renderSelect(block, carouselActive(block, message, ctx), extensionContext(ctx)),
      );
    default:
      // Compile time: every kind has a case. Run time (a kind from a newer core): skip it
      // rather than break the message.
      return skipNever(block, nothing);
  }
}

function extensionContext(ctx: BlockContext): ExtensionContext {
  return {
    lang: ctx.lang,
    mediaOrigins: ctx.mediaOrigins,
    onPayload: (payload, label) => ctx.onPayload(payload, label),
    refused: (item, what) => warnOnce(ctx, item, 'refused-url', `${what} dropped: refused URL.`),
  };
}

/** What the sanitizer needs from the context: URL policy and on-render media gate. */
function htmlOptions(ctx: BlockContext): SanitizeOptions & { mediaOrigins: readonly string[] } {
  const page = typeof location !== 'undefined' && /^https?:$/.test(location.protocol) ? [location.origin] : [];
  return {
    mediaOrigins: ctx.mediaOrigins,
    loadOrigins: ctx.loadOrigins ?? [...page, ...ctx.mediaOrigins],
    blockedLabel: blockStrings(ctx.lang).showImage,
  };
}

function renderText(block: TextBlock, ctx: BlockContext) {
  return block.caption
    ? html`<div part="caption" class="caption" dir="auto" ${sanitizedContent(block.html, htmlOptions(ctx))}></div>`
    : html`<div part="bubble" class="bubble" dir="auto" ${sanitizedContent(block.html, htmlOptions(ctx))}></div>`;
}

/**
 * The reducer reports a degraded generation (its `degraded-generation` warning, fired by
 * the element): the view does not warn again. The visitor gets a short line saying the
 * answer is plain text, gone when an is_generated text brings the HTML back.
 */
function renderGeneration(block: GenerationBlock, message: BotMessage, ctx: BlockContext, strings: CoreBlockStrings) {
  const finished = message.state !== 'streaming' || block.state !== 'streaming';
  // dir="auto": the bot's text keeps its own direction whatever the interface language.
  return html`<div part="bubble" class="bubble generation" dir="auto" aria-busy=${finished ? 'false' : 'true'}>
      <div class="generation-body" ${generationView(block, { ...htmlOptions(ctx), finished: message.state !== 'streaming' })}></div>
    </div>
    ${block.state === 'degraded' ? html`<p part="plain-text-notice" class="plain-text-notice">${strings.plainText}</p>` : nothing}`;
}

export function markLoaded(event: Event) {
  (event.currentTarget as HTMLElement).classList.add('loaded');
}

export function markFailed(event: Event) {
  (event.currentTarget as HTMLElement).classList.add('failed');
}

function renderImage(block: ImageBlock, ctx: BlockContext) {
  const src = safeUrl(block.src, 'media', { mediaOrigins: ctx.mediaOrigins });
  if (src === null) {
    warnOnce(ctx, block, 'refused-url', `Image ${block.id} dropped: refused URL ${describe(block.src)}.`);
    return nothing;
  }
  return html`<div class="media">
    <img
      part="image"
      class="image"
      src=${src}
      alt=${block.alt ?? ''}
      loading="lazy"
      decoding="async"
      @load=${markLoaded}
      @error=${markFailed}
    />
  </div>`;
}

const externalIcon = html`<svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
  <path
    d="M9 2h5v5M14 2L7 9M12 9.5V14H2V4h4.5"
    fill="none"
    stroke="currentColor"
    stroke-width="1.6"
    stroke-linecap="round"
    stroke-linejoin="round"
  ></path>
</svg>`;
const phoneIcon = html`<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
  <path d="M3.6 1.5l2.2 2.6-1.2 1.8a9 9 0 0 0 5.5 5.5l1.8-1.2 2.6 2.2-1.3 2.1C7.5 14.2 1.8 8.5 1.5 2.8z" fill="currentColor"></path>
</svg>`;
const mailIcon = html`<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
  <path d="M1.5 3.5h13v9h-13zM1.5 3.5L8 9l6.5-5.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"></path>
</svg>`;

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function renderVideo(block: VideoBlock, ctx: BlockContext, strings: CoreBlockStrings) {
  const safe = safeUrl(block.src, 'media', { mediaOrigins: ctx.mediaOrigins });
  if (safe === null) {
    warnOnce(ctx, block, 'refused-url', `Video ${block.id} dropped: refused URL ${describe(block.src)}.`);
    return nothing;
  }
  return lazyPart(
    videoPart,
    (m) => m.renderVideoSource(safe, block, strings, ctx.lang, ctx.shown !== false),
    () => html`<div class="media lazy-part video" aria-busy="true"></div>`,
    () => html`<div class="media">${webLink(safe, block.alt || strings.openVideo, strings, 'video-link')}</div>`,
  );
}

/**
 * A block whose renderer loads on demand: a quiet box of about its size while it loads,
 * its text and links if the import fails (lazy-fallbacks.ts).
 */
function lazy<M>(
  block: LazyBlock,
  message: BotMessage,
  ctx: BlockContext,
  strings: CoreBlockStrings,
  part: Parameters<typeof lazyPart<M>>[0],
  draw: (mod: M) => unknown,
) {
  return lazyPart(
    part,
    draw,
    () => html`<div class="media lazy-part ${block.kind}" aria-busy="true"></div>`,
    () => renderLazyFallback(block, carouselActive(block, message, ctx), ctx, strings),
  );
}

export function webLink(href: string, label: string, strings: CoreBlockStrings, extraClass = '') {
  return html`<a part="link" class="link ${extraClass}" href=${href} target="_blank" rel="noopener noreferrer"
    ><bdi>${label}</bdi><span class="visually-hidden"> ${strings.opensInNewTab}</span>${externalIcon}</a
  >`;
}

function renderAction(action: Action, active: boolean, ctx: BlockContext, strings: CoreBlockStrings) {
  if (action.type === 'button') {
    // dir="auto" (and <bdi> in links): the bot's labels keep their own direction, like its text.
    return html`<button
      part="button"
      class="button"
      type="button"
      dir="auto"
      ?disabled=${!active}
      aria-disabled=${active ? nothing : 'true'}
      @click=${() => {
        if (active) ctx.onPayload(action.payload, action.label);
      }}
    >
      ${action.label}
    </button>`;
  }
  const href = safeUrl(action.url, 'link', { mediaOrigins: ctx.mediaOrigins });
  if (href === null) {
    warnOnce(ctx, action, 'refused-url', `Link ${describe(action.label)} dropped: refused URL ${describe(action.url)}.`);
    return nothing;
  }
  const kind = urlAction(href);
  const label = action.label || decodeSafely(href.replace(/^(tel|mailto):/i, ''));
  if (kind === 'tel') {
    const number = decodeSafely(href.slice(4));
    const digits = number.replace(/\D/g, '');
    const name = label.replace(/\D/g, '').includes(digits) ? strings.call(number) : `${strings.call(number)} (${label})`;
    return html`<a part="link" class="link tel" href=${href} aria-label=${name}>${phoneIcon}<bdi>${label}</bdi></a>`;
  }
  if (kind === 'mailto') {
    const address = decodeSafely(href.slice(7).split('?')[0] ?? '');
    const name = label.includes(address) ? strings.email(address) : `${strings.email(address)} (${label})`;
    return html`<a part="link" class="link mailto" href=${href} aria-label=${name}>${mailIcon}<bdi>${label}</bdi></a>`;
  }
  return webLink(href, label, strings);
}

export function renderActionList(actions: readonly Action[], active: boolean, ctx: BlockContext, strings: CoreBlockStrings) {
  return actions.map((action) => renderAction(action, active, ctx, strings));
}

function renderActionsBlock(block: ActionsBlock, ctx: BlockContext, strings: CoreBlockStrings) {
  if (block.actions.length === 0) return nothing;
  const active = ctx.activeActionsId !== null && ctx.activeActionsId === block.id;
  return html`<div part="quick-replies" class="quick-replies" role="group" aria-label=${strings.quickReplies}>
    ${renderActionList(block.actions, active, ctx, strings)}
  </div>`;
}

/**
 * Card buttons follow the quick-reply rule: only the latest turn's work. The active id
 * names an actions block, so a carousel is current when it shares a message with it.
 * A turn with a carousel and no quick replies has no active id: then `activeMessageId`
 * (when the element passes it) decides; without it, a carousel is inactive only when
 * the active quick replies belong to another message (dead buttons in the latest turn
 * would be worse than live ones in an older one).
 */
export function carouselActive(block: Pick<CarouselBlock | SelectBlock, 'id'>, message: BotMessage, ctx: BlockContext): boolean {
  const id = ctx.activeActionsId;
  if (id !== null && (id === block.id || message.blocks.some((b) => b.id === id))) return true;
  if (ctx.activeMessageId !== undefined) return ctx.activeMessageId === message.id;
  return id === null;
}

type LazyBlock = CarouselBlock | AudioBlock | FileBlock | LocationBlock | SelectBlock;

/**
 * A lazy block whose module failed to load: its text, links and choices as plain native
 * UI (the URL policy still applies), so nothing the bot sent is lost.
 */
function renderLazyFallback(block: LazyBlock, active: boolean, ctx: BlockContext, strings: CoreBlockStrings) {
  // Media the site allows, or any URL the link policy accepts: a link loads nothing by itself.
  const link = (url: string, label: string) => {
    const href = safeUrl(url, 'media', { mediaOrigins: ctx.mediaOrigins }) ?? safeUrl(url, 'link');
    return href ? webLink(href, label || href, strings) : nothing;
  };
  switch (block.kind) {
    case 'carousel':
      return html`<div class="media">
        ${block.cards.map(
          (card) =>
            html`<p>${card.title}${card.title && card.description ? ': ' : ''}${card.description}</p>
              <div class="quick-replies">${renderActionList(card.actions, active, ctx, strings)}</div>`,
        )}
      </div>`;
    case 'select':
      return html`<div class="quick-replies" role="group" aria-label=${block.label || strings.quickReplies}>
        ${renderActionList(
          block.options.map((o) => ({ type: 'button', label: o.label, payload: o.payload })),
          active,
          ctx,
          strings,
        )}
      </div>`;
    case 'audio':
      return html`<div class="media">${link(block.src, block.title)}</div>`;
    case 'file':
      return html`<div class="media">${link(block.url, block.name)}</div>`;
    case 'location':
      return html`<div class="media">
        ${[block.title, block.address].filter(Boolean).join(', ')} ${link(mapUrl(block.latitude, block.longitude), strings.openMap)}
      </div>`;
  }
}

/**
 * The map link: OpenStreetMap at the point; nothing is loaded until it is followed (the
 * location block, its fallback while that loads, and the transcript file).
 */
export function mapUrl(latitude: number, longitude: number): string {
  const lat = latitude.toFixed(6);
  const lon = longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}
