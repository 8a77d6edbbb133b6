/**
 * The header's menu (`part="menu"` button, a `role="menu"` list of `part="download"`
 * items): the menu-button pattern of the ARIA practices. Opening moves focus to the
 * first item; arrows, Home and End move; Escape closes and returns focus to the button;
 * Tab or a click elsewhere closes it.
 */
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { TranscriptFormat } from './transcript-export.js';

export interface MenuHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  download(format: TranscriptFormat): void;
}

export interface MenuStrings {
  readonly menu: string;
  readonly downloadTxt: string;
  readonly downloadHtml: string;
}

const menuIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><circle cx="12" cy="5" r="2"/><circle cx="12" cy="12" r="2"/><circle cx="12" cy="19" r="2"/></svg>`;

export class HeaderMenu {
  open = false;
  private readonly host: MenuHost;

  constructor(host: MenuHost) {
    this.host = host;
  }

  private items(): HTMLElement[] {
    return [...this.host.renderRoot.querySelectorAll<HTMLElement>('[role="menu"] [role="menuitem"]')];
  }

  private button(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('[part~="menu"]');
  }

  private async setOpen(open: boolean, focus: 'first' | 'last' | 'button' | null): Promise<void> {
    this.open = open;
    this.host.requestUpdate();
    await this.host.updateComplete;
    if (focus === 'button') this.button()?.focus();
    else if (focus) {
      const items = this.items();
      (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
    }
  }

  close(returnFocus: boolean): void {
    if (this.open) void this.setOpen(false, returnFocus ? 'button' : null);
  }

  private readonly onButtonClick = (): void => {
    void this.setOpen(!this.open, this.open ? null : 'first');
  };

  private readonly onButtonKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      void this.setOpen(true, e.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  private readonly onMenuKeydown = (e: KeyboardEvent): void => {
    const items = this.items();
    const i = items.indexOf(e.target as HTMLElement);
    let to: number;
    switch (e.key) {
      case 'ArrowDown':
        to = (i + 1) % items.length;
        break;
      case 'ArrowUp':
        to = (i - 1 + items.length) % items.length;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = items.length - 1;
        break;
      case 'Escape':
        e.preventDefault();
        e.stopPropagation(); // the panel must not close too
        this.close(true);
        return;
      case 'Tab':
        this.close(false);
        return;
      default:
        return;
    }
    e.preventDefault();
    items[to]?.focus();
  };

  private readonly onFocusOut = (e: FocusEvent): void => {
    const wrap = e.currentTarget as HTMLElement;
    if (!wrap.contains(e.relatedTarget as Node | null)) this.close(false);
  };

  private choose(format: TranscriptFormat): void {
    this.close(true);
    this.host.download(format);
  }

  render(id: string, s: MenuStrings): TemplateResult {
    return html`<div class="menu-wrap" @focusout=${this.onFocusOut}>
      <button
        part="menu"
        class="icon-button"
        type="button"
        aria-label=${s.menu}
        title=${s.menu}
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="${id}-menu"
        @click=${this.onButtonClick}
        @keydown=${this.onButtonKeydown}
      >
        ${menuIcon}
      </button>
      <div id="${id}-menu" class="menu" role="menu" aria-label=${s.menu} ?hidden=${!this.open} @keydown=${this.onMenuKeydown}>
        <button part="download" role="menuitem" type="button" tabindex="-1" data-format="txt" @click=${() => this.choose('txt')}>${s.downloadTxt}</button>
        <button part="download" role="menuitem" type="button" tabindex="-1" data-format="html" @click=${() => this.choose('html')}>${s.downloadHtml}</button>
      </div>
    </div>`;
  }
}
