/**
 * Video blocks, loaded on demand (lazy-part.ts): a file plays in `<video controls>` (a
 * link to it instead once it fails to play), a YouTube/Vimeo video page becomes a
 * click-to-load embed, anything else a link. The URL has already passed the media policy
 * (render-blocks.ts).
 */
import { css, html, nothing } from 'lit';
import { AsyncDirective, directive } from 'lit/async-directive.js';
import type { VideoBlock } from '../../core/conversation/types.js';
import { webLink } from './render-blocks.js';
import type { CoreBlockStrings } from './strings.js';
import { videoStrings } from './video-strings.js';
import { videoEmbed } from './video-embed.js';
import { classifyVideo } from './video-source.js';

/**
 * A `<video>` that becomes a link to its URL when it cannot play (a web page, a dead or
 * refused file): the visitor always keeps a way to the content. The failure lives in this
 * directive instance, so later renders of the message keep the link.
 */
class VideoFileDirective extends AsyncDirective {
  #failedSrc: string | null = null;

  render(src: string, label: string | undefined, link: unknown, preload: 'metadata' | 'none') {
    if (src === this.#failedSrc) return link;
    return html`<video
      part="video"
      class="video"
      controls
      preload=${preload}
      playsinline
      src=${src}
      aria-label=${label || nothing}
      @error=${(event: Event) => this.#failed(event, src, link)}
    ></video>`;
  }

  #failed(event: Event, src: string, link: unknown) {
    const video = event.currentTarget as HTMLVideoElement;
    const root = video.getRootNode() as Document | ShadowRoot;
    const hadFocus = root.activeElement === video;
    const media = video.parentElement;
    this.#failedSrc = src;
    this.setValue(link);
    // Focus on the player (its controls) moves to the link that took its place.
    if (hadFocus) media?.querySelector<HTMLElement>('a')?.focus();
  }
}

const videoFile = directive(VideoFileDirective);

/** `shown`: the chat is on screen; a video off screen preloads nothing (BlockContext.shown). */
export function renderVideoSource(safe: string, block: VideoBlock, strings: CoreBlockStrings, lang: string, shown = true) {
  const vs = videoStrings(lang);
  const source = classifyVideo(safe);
  switch (source.kind) {
    case 'file':
      return html`<div class="media">
        ${videoFile(
          source.src,
          block.alt,
          webLink(source.src, block.alt || strings.openVideo, strings, 'video-link'),
          shown ? 'metadata' : 'none',
        )}
      </div>`;
    case 'embed':
      return html`<div class="media">
        <div part="video" class="video-embed" ${videoEmbed(source, vs)}></div>
        ${webLink(source.pageUrl, vs.openOn(source.provider), strings, 'video-link')}
      </div>`;
    case 'link':
      return html`<div class="media">
        ${webLink(source.href, block.alt || (source.provider ? vs.openOn(source.provider) : strings.openVideo), strings, 'video-link')}
      </div>`;
  }
}

/** Adopted into the shadow root when the first video renders. */
export const styles = css`
  .video,
  .video-embed {
    display: block;
    width: 320px;
    max-width: 100%;
    aspect-ratio: 16 / 9;
    border-radius: var(--_radius);
    background: #000;
    overflow: hidden;
  }
  .video-frame {
    display: block;
    width: 100%;
    height: 100%;
    border: 0;
  }
  .video-placeholder {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.35em;
    width: 100%;
    height: 100%;
    padding: 0.75em;
    /* Painted by forced colors, which drop the dark background: the button keeps its edge. */
    border: 1px solid transparent;
    background: #16171b;
    color: #fff;
    font: inherit;
    text-align: center;
    cursor: pointer;
  }
  .video-placeholder-label {
    font-weight: 600;
  }
  .video-placeholder-note {
    font-size: 0.75em;
    opacity: 0.8;
  }
  .video-link {
    display: inline-flex;
    margin-top: 0.3em;
    font-size: 0.85em;
    color: var(--_accent);
  }
`;
