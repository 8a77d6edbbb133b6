/**
 * The header's menu (`part="menu"` button, a `role="menu"` list of `part="download"`
 * items). The markup is rendered here; the keyboard and focus behaviour
 * (header-menu-keys.ts) loads on demand: prefetched at idle once the chat shows, else on
 * the first click or arrow key on the button.
 */
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { adoptStyles, lazyModule } from '../blocks/lazy-part.js';
import type { MenuKeys } from './header-menu-keys.js';
import type { TranscriptFormat } from './transcript-export.js';

const keysPart = lazyModule('header-menu', () => import('./header-menu-keys.js'));

export interface MenuHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  download(format: TranscriptFormat): void;
}

export interface MenuStrings {
  readonly menu: string;
  readonly downloadTxt: string;
  readonly downloadHtml: string;
}

const menuIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
  <circle cx="12" cy="5" r="2" />
  <circle cx="12" cy="12" r="2" />
  <circle cx="12" cy="19" r="2" />
</svg>`;

/** What the behaviour changes. */
export interface MenuState {
  open: boolean;
}

export class HeaderMenu implements MenuState {
  open = false;
  #keys: MenuKeys | null = null;

  constructor(private readonly host: MenuHost) {}

  /** Run `act` with the behaviour, loading it first if needed. */
  #with(act: (keys: MenuKeys) => void): void {
    if (this.#keys) act(this.#keys);
    else
      keysPart.load().then(
        (m) => {
          // The list's styles come with its behaviour: it cannot open before.
          adoptStyles(this.host.renderRoot, m.styles);
          act((this.#keys ??= new m.MenuKeys(this, this.host)));
        },
        () => {},
      );
  }

  readonly #onButtonClick = (): void => this.#with((k) => k.toggle());

  readonly #onButtonKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    this.#with((k) => k.openAt(e.key));
  };

  // The menu is only open once the behaviour is here.
  readonly #onMenuKeydown = (e: KeyboardEvent): void => this.#keys?.onMenuKeydown(e);
  readonly #onFocusOut = (e: FocusEvent): void => this.#keys?.onFocusOut(e);

  #choose(format: TranscriptFormat): void {
    this.#keys?.choose(format);
  }

  render(id: string, s: MenuStrings): TemplateResult {
    return html`<div class="menu-wrap" @focusout=${this.#onFocusOut}>
      <button
        part="menu"
        class="icon-button"
        type="button"
        aria-label=${s.menu}
        title=${s.menu}
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="${id}-menu"
        @click=${this.#onButtonClick}
        @keydown=${this.#onButtonKeydown}
      >
        ${menuIcon}
      </button>
      <div id="${id}-menu" class="menu" role="menu" aria-label=${s.menu} ?hidden=${!this.open} @keydown=${this.#onMenuKeydown}>
        <button part="download" role="menuitem" type="button" tabindex="-1" data-format="txt" @click=${() => this.#choose('txt')}>
          ${s.downloadTxt}
        </button>
        <button part="download" role="menuitem" type="button" tabindex="-1" data-format="html" @click=${() => this.#choose('html')}>
          ${s.downloadHtml}
        </button>
      </div>
    </div>`;
  }
}
