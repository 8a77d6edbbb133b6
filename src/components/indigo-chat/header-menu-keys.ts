/**
 * The header menu's behaviour (header-menu.ts renders it): the menu-button pattern of the
 * ARIA practices. Opening moves focus to the first item; arrows, Home and End move; Escape
 * closes and returns focus to the button; Tab or a click elsewhere closes it. Loaded on
 * demand (prefetched at idle once the chat shows, or on the first click or arrow key).
 */
import { css } from 'lit';
import type { MenuHost, MenuState } from './header-menu.js';
import type { TranscriptFormat } from './transcript-export.js';

export class MenuKeys {
  constructor(
    private readonly state: MenuState,
    private readonly host: MenuHost,
  ) {}

  #items(): HTMLElement[] {
    return [...this.host.renderRoot.querySelectorAll<HTMLElement>('[role="menu"] [role="menuitem"]')];
  }

  #button(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('[part~="menu"]');
  }

  async #setOpen(open: boolean, focus: 'first' | 'last' | 'button' | null): Promise<void> {
    this.state.open = open;
    this.host.requestUpdate();
    await this.host.updateComplete;
    if (focus === 'button') this.#button()?.focus();
    else if (focus) {
      const items = this.#items();
      (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
    }
  }

  #close(returnFocus: boolean): void {
    if (this.state.open) void this.#setOpen(false, returnFocus ? 'button' : null);
  }

  toggle(): void {
    void this.#setOpen(!this.state.open, this.state.open ? null : 'first');
  }

  /** ArrowDown/ArrowUp on the button (the caller prevented the default already). */
  openAt(key: string): void {
    void this.#setOpen(true, key === 'ArrowDown' ? 'first' : 'last');
  }

  readonly onMenuKeydown = (e: KeyboardEvent): void => {
    const items = this.#items();
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
        this.#close(true);
        return;
      case 'Tab':
        this.#close(false);
        return;
      default:
        return;
    }
    e.preventDefault();
    items[to]?.focus();
  };

  readonly onFocusOut = (e: FocusEvent): void => {
    const wrap = e.currentTarget as HTMLElement;
    if (!wrap.contains(e.relatedTarget as Node | null)) this.#close(false);
  };

  choose(format: TranscriptFormat): void {
    this.#close(true);
    this.host.download(format);
  }
}

/**
 * The menu list's styles, adopted when the behaviour arrives: the list can only open once
 * it is here (closed, the `hidden` attribute hides it by itself).
 */
export const styles = css`
  /* Under the header's end, not the button's: hung from the button (which sits left of
     restart and close), a 16em list ran off a 320 px panel (WCAG 1.4.10). */
  [part~='header'] {
    position: relative;
  }
  .menu {
    position: absolute;
    inset-block-start: calc(100% + 4px);
    inset-inline-end: 12px;
    z-index: 2;
    display: flex;
    flex-direction: column;
    min-width: min(16em, 100% - 24px);
    max-width: calc(100% - 24px);
    padding: 4px;
    border: 1px solid var(--_line);
    border-radius: 10px;
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.2);
  }
  .menu[hidden] {
    display: none;
  }
  [part~='download'] {
    padding: 8px 10px;
    border: none;
    border-radius: 6px;
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  [part~='download']:hover,
  [part~='download']:focus-visible {
    background: var(--_bot-bg);
  }
`;
