import { html, nothing, render, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';
import type { VideoStrings } from './video-strings.js';
import type { VideoSource } from './video-source.js';

type Embed = Extract<VideoSource, { kind: 'embed' }>;

const playIcon = html`<svg class="icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
  <circle cx="12" cy="12" r="11" fill="currentColor" opacity="0.85"></circle>
  <path d="M10 8l6 4-6 4z" fill="var(--indigo-chat-surface, #fff)"></path>
</svg>`;

/**
 * Privacy-preserving YouTube/Vimeo embed: a local placeholder button (no thumbnail, no
 * request to the provider) that swaps itself for the sandboxed player iframe only when
 * the visitor asks for it. The choice lives in this directive instance, so later
 * re-renders of the message keep the player (and its playback) in place.
 */
class VideoEmbedDirective extends Directive {
  #activated = false;
  #embedSrc: string | null = null;

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) {
      throw new Error('videoEmbed() must be used in an element position');
    }
  }

  render(_embed: Embed, _strings: VideoStrings) {
    return nothing;
  }

  override update(part: ElementPart, [embed, strings]: Parameters<this['render']>) {
    if (embed.embedSrc !== this.#embedSrc) {
      this.#embedSrc = embed.embedSrc;
      this.#activated = false;
    }
    this.#draw(part.element as HTMLElement, embed, strings);
    return nothing;
  }

  #draw(host: HTMLElement, embed: Embed, strings: VideoStrings) {
    // A nested render owns the wrapper's children; the outer template never touches them.
    const content = this.#activated
      ? html`<iframe
          class="video-frame"
          src=${embed.embedSrc}
          title=${strings.videoTitle(embed.provider)}
          sandbox="allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox"
          allow="autoplay; encrypted-media; picture-in-picture; fullscreen"
          referrerpolicy="strict-origin-when-cross-origin"
        ></iframe>`
      : html`<button
          type="button"
          class="video-placeholder"
          @click=${() => {
            this.#activated = true;
            this.#draw(host, embed, strings);
            host.querySelector('iframe')?.focus();
          }}
        >
          ${playIcon}
          <span class="video-placeholder-label">${strings.playOn(embed.provider)}</span>
          <span class="video-placeholder-note">${strings.loadsFrom(embed.provider)}</span>
        </button>`;
    render(content, host);
  }
}

export const videoEmbed = directive(VideoEmbedDirective);
