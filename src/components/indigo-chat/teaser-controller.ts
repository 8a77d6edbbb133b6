/**
 * The teaser's switch (teaser.ts holds the logic and styles, loaded on demand): only a
 * launcher with a `teaser` attribute loads it; every other element carries nothing more.
 */
import { nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { StorageKind } from '../../controllers/persistence-controller.js';
import { adoptStyles, lazyModule } from '../blocks/lazy-part.js';
import type { Teaser } from './teaser.js';
import type { Message } from '../../core/conversation/types.js';

const teaserPart = lazyModule('teaser', () => import('./teaser.js'), false);

export interface TeaserHost extends ReactiveControllerHost {
  readonly mode: string;
  readonly open: boolean;
  readonly relay: string;
  readonly id: string;
  readonly storage: StorageKind;
  /** The `teaser` attribute: null absent, '' = use the welcome's first text. */
  readonly teaser: string | null;
  readonly teaserDelay: number;
  /** The messages the welcome's first text comes from, and the media origins (teaser.ts). */
  welcomeSource(): [readonly Message[], readonly string[]];
  show(): void;
  /** Start the conversation in the background (for a teaser taken from the welcome). */
  startConversation(): void;
  /** The teaser's styles join it when they arrive. */
  readonly renderRoot: Node;
  readonly isConnected: boolean;
}

export class TeaserController implements ReactiveController {
  #teaser: Teaser | null = null;

  constructor(
    private readonly host: TeaserHost,
    /** May the teaser appear unprompted now (consent)? Asked on every update. */
    private readonly allowed: () => boolean,
  ) {
    host.addController(this);
  }

  get text(): string | null {
    return this.#teaser?.text ?? null;
  }

  get visible(): boolean {
    return this.#teaser?.visible ?? false;
  }

  hostUpdated(): void {
    // Lit updates a removed element too: its teaser would start a timer (and, for a teaser
    // of the welcome, the conversation) for a chat nobody can see.
    if (!this.host.isConnected) return;
    if (this.#teaser) this.#teaser.hostUpdated();
    else if (this.host.teaser !== null && this.host.mode === 'launcher')
      teaserPart.load().then(
        (m) => {
          if (this.#teaser || !this.host.isConnected) return;
          adoptStyles(this.host.renderRoot, m.styles);
          this.#teaser = new m.Teaser(this.host, this.allowed);
          this.host.requestUpdate();
        },
        () => {}, // no teaser: the launcher is all there is
      );
  }

  /** Hide for good (this page) — the close button, or the panel opened. */
  /** The bubble (rendered by the teaser module: it only shows once that is here). */
  render(lang: string): unknown {
    return this.#teaser?.render(lang) ?? nothing;
  }

  hostDisconnected(): void {
    this.#teaser?.hostDisconnected();
  }
}
