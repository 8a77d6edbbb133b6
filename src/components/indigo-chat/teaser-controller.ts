/**
 * The proactive teaser: a small dismissible bubble beside the closed launcher, shown after
 * `teaser-delay` ms, at most once per visitor per day (per relay and element id), never
 * before consent when consent is required, never while the panel is open. It never takes
 * focus; the element announces it once through its polite live region.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StorageKind } from '../../controllers/persistence-controller.js';
import { dayKey } from './time-format.js';

export interface TeaserHost extends ReactiveControllerHost {
  readonly mode: string;
  readonly open: boolean;
  readonly relay: string;
  readonly id: string;
  readonly storage: StorageKind;
  /** The `teaser` attribute: null absent, '' = use the welcome's first text. */
  readonly teaser: string | null;
  readonly teaserDelay: number;
  /** The welcome's first text as plain text, when the conversation has one. */
  welcomeText(): string | null;
  /** Start the conversation in the background (for a teaser taken from the welcome). */
  startConversation(): void;
}

/** Days are remembered here when storage is `none` or refused (per page load). */
const memory = new Map<string, string>();

export class TeaserController implements ReactiveController {
  text: string | null = null;
  private readonly host: TeaserHost;
  /** May the teaser appear unprompted now (consent)? Asked on every update. */
  private readonly allowed: () => boolean;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = false;
  private done = false;

  constructor(host: TeaserHost, allowed: () => boolean) {
    this.host = host;
    this.allowed = allowed;
    host.addController(this);
  }

  get visible(): boolean {
    return this.text !== null;
  }

  private get key(): string {
    return `indigo-chat:teaser:${this.host.relay}#${this.host.id}`;
  }

  private store(): Storage | null {
    try {
      if (this.host.storage === 'local') return localStorage;
      if (this.host.storage === 'session') return sessionStorage;
    } catch {
      // storage blocked (privacy settings): memory only
    }
    return null;
  }

  private shownToday(): boolean {
    const today = dayKey(Date.now());
    let stored: string | null | undefined = memory.get(this.key);
    try {
      stored = this.store()?.getItem(this.key) ?? stored;
    } catch {
      // ignore
    }
    return stored === today;
  }

  /** Shown: remembered for this page load only (nothing is stored before the visitor acts). */
  private remember(): void {
    memory.set(this.key, dayKey(Date.now()));
  }

  /** The visitor acted on the teaser (closed it, or opened the chat): once per day from now. */
  private persist(): void {
    const today = dayKey(Date.now());
    try {
      this.store()?.setItem(this.key, today);
    } catch {
      // quota or blocked: the in-memory note still stops a repeat on this page
    }
  }

  private eligible(): boolean {
    return this.host.mode === 'launcher' && !this.host.open && this.host.teaser !== null && this.allowed();
  }

  hostUpdated(): void {
    if (this.done) return;
    if (this.host.open && this.text !== null) {
      // The visitor opened the chat: the teaser has done its job.
      this.dismiss();
      return;
    }
    if (this.text !== null) return;
    if (!this.eligible() || this.shownToday()) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.due) {
      this.tryShow();
      return;
    }
    if (this.timer === undefined) {
      const delay = Number.isFinite(this.host.teaserDelay) && this.host.teaserDelay > 0 ? this.host.teaserDelay : 0;
      this.timer = setTimeout(() => {
        this.due = true;
        if (this.host.teaser === '') this.host.startConversation();
        this.host.requestUpdate();
      }, delay);
    }
  }

  private tryShow(): void {
    const text = this.host.teaser === '' ? this.host.welcomeText() : (this.host.teaser ?? '').trim();
    if (!text) return; // the welcome has not arrived yet: the next update tries again
    this.text = text.length > 160 ? `${text.slice(0, 157)}…` : text;
    this.remember();
    this.host.requestUpdate();
  }

  /** Hide for good (this page) — the close button, or the panel opened. */
  dismiss(): void {
    clearTimeout(this.timer);
    this.done = true;
    if (this.text !== null) {
      this.persist();
      this.text = null;
      this.host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
