// TEMPORARY: stands in for ../blocks/render-blocks.js while its dependencies land.
import { css, html, nothing } from 'lit';
import type { CSSResult, TemplateResult } from 'lit';
import type { BotMessage } from '../../core/index.js';
import { generationHtml } from '../../core/index.js';

export interface BlockContext {
  lang: string;
  mediaOrigins: readonly string[];
  activeActionsId: string | null;
  onPayload(payload: string, label: string): void;
  onWarning(code: string, message: string): void;
}
export const blockStyles: CSSResult = css``;
const strip = (s: string) => s.replace(/<[^>]*>/g, '');
export function renderBotBlocks(message: BotMessage, ctx: BlockContext): TemplateResult {
  return html`${message.blocks.map((b) => {
    switch (b.kind) {
      case 'text':
        return html`<div part=${b.caption ? 'caption' : 'bubble'}><p>${strip(b.html)}</p></div>`;
      case 'generation':
        return html`<div part="bubble"><p>${strip(generationHtml(b))}</p></div>`;
      case 'actions':
        return html`<div part="quick-replies">${b.actions.map((a) =>
          a.type === 'button'
            ? html`<button part="button" ?disabled=${ctx.activeActionsId !== b.id} @click=${() => ctx.onPayload(a.payload, a.label)}>${a.label}</button>`
            : html`<span part="link">${a.label}</span>`,
        )}</div>`;
      default:
        return nothing;
    }
  })}`;
}
