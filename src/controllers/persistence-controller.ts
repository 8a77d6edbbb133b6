/**
 * Saves the conversation (transcript, sender, open state) so it survives reloads and page
 * navigation. One key per relay URL + element id, so two instances do not clash.
 * Storage may be disabled, full or throwing (Safari private mode, quota, sandboxed
 * iframes): every access is caught and the widget keeps working in memory.
 *
 * One key, one owner: two connected instances that would use the same key (same relay and
 * the same id, typically two without an `id`) must not restore and overwrite one
 * conversation (they would share its sender too). The first to connect owns the key; the
 * other keeps its conversation in memory only and warns once, asking for distinct ids.
 *
 * Saving serialises the whole transcript, so while an answer streams it is throttled
 * (at most once per `throttleMs`); a finished turn, `pagehide` and disconnect save at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { deserializeTranscript, serializeTranscript } from '../core/index.js';
import type { DeltaUnit, Transcript } from '../core/index.js';
import { launcherKey, pickStorage, readLauncherState, storageKey } from './storage.js';
import type { StorageKind } from './storage.js';

export { pickStorage, storageKey };
export type { StorageKind };

export interface SavedState {
  readonly transcript: Transcript | null;
  readonly sender: string | null;
  readonly open: boolean;
  /** What the visitor had typed and not sent. */
  readonly draft: string;
  /** The visitor accepted the consent notice (remembered only after Accept). */
  readonly consent: boolean;
  /** Media origins the relay announced for this conversation. */
  readonly mediaOrigins: readonly string[];
  /** Answers that arrived while the launcher was closed. */
  readonly unread: number;
}

export interface PersistenceHost extends ReactiveControllerHost {
  readonly storage: StorageKind;
  readonly relay: string;
  readonly id: string;
  readonly deltaUnit: DeltaUnit;
  /**
   * Optional: false while nothing may be written (before the visitor first opened or saw
   * the widget, before consent, after a decline). Reading is always fine.
   */
  readonly mayStore?: boolean;
}

/** The snapshot the host hands over on each save. */
export type Snapshot = () => {
  transcript: Transcript;
  sender: string | null;
  open: boolean;
  draft?: string;
  consent?: boolean;
  mediaOrigins?: readonly string[];
  unread?: number;
};

interface Stored {
  v: 1;
  sender: string | null;
  open: boolean;
  transcript: string | null;
  /** Optional (absent in older saves). Capped: a composer holds at most 4,000 characters. */
  draft?: string;
  /** Optional: the visitor accepted the consent notice. */
  consent?: true;
  /** Optional: media origins the relay announced. */
  media?: string[];
}

/** Keys held by a connected instance (module-wide: one page, one owner per key). */
const owners = new Map<string, object>();

export class PersistenceController implements ReactiveController {
  private readonly host: PersistenceHost;
  private readonly snapshot: Snapshot;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly throttleMs: number;
  /** Last storage error, for diagnostics and tests. */
  lastError: unknown = null;
  private claimed: string | null = null;
  /** The key another instance held when this one asked for it. */
  private refused: string | null = null;

  constructor(host: PersistenceHost, snapshot: Snapshot, throttleMs = 1000) {
    this.host = host;
    this.snapshot = snapshot;
    this.throttleMs = throttleMs;
    host.addController(this);
  }

  get key(): string {
    return storageKey(this.host.relay, this.host.id);
  }

  hostConnected(): void {
    globalThis.addEventListener?.('pagehide', this.flush);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.('pagehide', this.flush);
    this.flush();
    this.release();
  }

  /** Take the key for this instance; false if another connected instance holds it. */
  private claim(): boolean {
    const key = this.key;
    if (this.claimed !== null && this.claimed !== key) this.release();
    const owner = owners.get(key);
    // Once refused, always refused: taking the key over later (when the owner disconnects,
    // e.g. on page unload) would overwrite the owner's conversation with this one.
    if (this.refused === key || (owner !== undefined && owner !== this)) {
      if (this.refused !== key) {
        this.refused = key;
        console.warn(
          `indigo-chat: another <indigo-chat> on this page already stores its conversation under "${key}"; ` +
            'this one is kept in memory only. Give each instance its own id.',
        );
      }
      return false;
    }
    owners.set(key, this);
    this.claimed = key;
    return true;
  }

  private release(): void {
    if (this.claimed !== null && owners.get(this.claimed) === this) owners.delete(this.claimed);
    this.claimed = null;
  }

  load(): SavedState | null {
    const store = pickStorage(this.host.storage);
    if (!store || !this.claim()) return null;
    let raw: string | null;
    try {
      raw = store.getItem(this.key);
    } catch (e) {
      this.lastError = e;
      return null;
    }
    if (!raw) {
      // No conversation saved (or it did not fit), but the launcher's count may have.
      const unread = readLauncherState(store, this.host.relay, this.host.id).unread;
      return unread > 0 ? { transcript: null, sender: null, open: false, draft: '', consent: false, mediaOrigins: [], unread } : null;
    }
    try {
      const parsed = JSON.parse(raw) as Partial<Stored>;
      if (!parsed || parsed.v !== 1) return null;
      let transcript: Transcript | null = null;
      if (typeof parsed.transcript === 'string') {
        try {
          transcript = deserializeTranscript(parsed.transcript, { deltaUnit: this.host.deltaUnit }) ?? null;
        } catch (e) {
          this.lastError = e;
        }
      }
      return {
        transcript,
        sender: typeof parsed.sender === 'string' ? parsed.sender : null,
        open: parsed.open === true,
        draft: typeof parsed.draft === 'string' ? parsed.draft.slice(0, 4000) : '',
        consent: parsed.consent === true,
        mediaOrigins: Array.isArray(parsed.media) ? parsed.media.filter((o): o is string => typeof o === 'string').slice(0, 16) : [],
        unread: readLauncherState(store, this.host.relay, this.host.id).unread,
      };
    } catch (e) {
      this.lastError = e;
      return null;
    }
  }

  /** Save now if idle, or within `throttleMs` while streaming. */
  schedule(streaming: boolean): void {
    if (!streaming) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(this.flush, this.throttleMs);
  }

  readonly flush = (): void => {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Nothing is written before the visitor acts (ePrivacy art. 5(3)): see `mayStore`.
    if (this.host.mayStore === false) return;
    const store = pickStorage(this.host.storage);
    if (!store || !this.claim()) return;
    try {
      const { transcript, sender, open, draft, consent, mediaOrigins, unread = 0 } = this.snapshot();
      const stored: Stored = { v: 1, sender, open, transcript: serializeTranscript(transcript) };
      if (draft) stored.draft = draft.slice(0, 4000);
      if (consent) stored.consent = true;
      if (mediaOrigins && mediaOrigins.length > 0) stored.media = [...mediaOrigins];
      store.setItem(this.key, JSON.stringify(stored));
      store.setItem(launcherKey(this.host.relay, this.host.id), JSON.stringify({ open, unread }));
    } catch (e) {
      // Quota exceeded or storage disabled: keep going in memory.
      this.lastError = e;
    }
  };

  clear(): void {
    if (this.host.mayStore === false) return;
    const store = pickStorage(this.host.storage);
    if (!this.claim()) return;
    try {
      store?.removeItem(this.key);
      store?.removeItem(launcherKey(this.host.relay, this.host.id));
    } catch (e) {
      this.lastError = e;
    }
  }
}
