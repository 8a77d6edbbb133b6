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
 * The stored format (persist-codec.ts, with the transcript serializer) is a lazy chunk
 * (docs/decisions/persistence-off-the-open-path.md): `load()` answers at once when nothing
 * is saved or the chunk is here, else with a promise (the element renders nothing until
 * it settles). Saves asked for before it arrives are written once it does, from the latest
 * snapshot. If it cannot be loaded this page keeps the conversation in memory and never
 * writes, so the saved one is left intact for the next page.
 *
 * Saving serialises the whole transcript, so while an answer streams it is throttled
 * (at most once per `throttleMs`); a finished turn, `pagehide` and disconnect save at once.
 *
 * Another tab of the site holds the same key (localStorage): when it saves, the browser
 * tells this page (`storage` event) and `onOtherTab` gets the conversation it wrote, so
 * this tab can show it instead of writing its older copy back over it on its next save
 * (docs/decisions/two-tabs-one-conversation.md). When a tab moves the conversation out of
 * localStorage (a consent tool switching `storage` to `none` or `session`), it says so on
 * a BroadcastChannel and every other tab holding that key switches the same way, so none
 * writes back the copy the visitor had removed.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DeltaUnit, Transcript } from '../core/index.js';
import { lazyModule } from '../components/blocks/lazy-part.js';
import type * as Codec from './persist-codec.js';
import { feedbackKey, launcherKey, pickStorage, readLauncherState, storageKey, teaserKey } from './storage.js';
import type { StorageKind } from './storage.js';

export { pickStorage, storageKey };
export type { StorageKind };

/** The stored format's reader and writer, loaded on demand (`lazyTesting` name: `persistence`). */
export const persistCodec = lazyModule<typeof Codec>('persistence', () => import('./persist-codec.js'));

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
  /** The relay's text limit, when it announced one other than the default. */
  readonly maxChars?: number;
  /** Answers that arrived while the launcher was closed. */
  readonly unread: number;
}

export interface PersistenceHost extends ReactiveControllerHost {
  /** Set by the controller when another tab moved this conversation out of localStorage. */
  storage: StorageKind;
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
  maxChars?: number;
  unread?: number;
};

/** Keys held by a connected instance (module-wide: one page, one owner per key). */
const owners = new Map<string, object>();

/**
 * Conversations moved out of localStorage (key -> where to), by another tab or this one,
 * and the controllers that follow such a move (docs/decisions/two-tabs-one-conversation.md).
 */
const withdrawn = new Map<string, StorageKind>();
const followers = new Set<() => void>();
let channel: BroadcastChannel | null | undefined;

/** The site's tabs' channel, opened once per page; null where there is none or storage is denied (Firefox throws). */
function tabs(): BroadcastChannel | null {
  if (channel === undefined) {
    try {
      channel = new BroadcastChannel('indigo-chat');
      channel.onmessage = ({ data }: MessageEvent) => {
        const { left, to } = (data ?? {}) as { left?: unknown; to?: StorageKind };
        if (typeof left !== 'string' || (to !== 'none' && to !== 'session')) return;
        withdrawn.set(left, to);
        followers.forEach((follow) => follow());
      };
    } catch {
      channel = null;
    }
  }
  return channel;
}

export class PersistenceController implements ReactiveController {
  readonly #host: PersistenceHost;
  readonly #snapshot: Snapshot;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #throttleMs: number;
  /** Last storage error, for diagnostics and tests. */
  lastError: unknown = null;
  /**
   * The stored format could not be loaded: the saved conversation was not restored (or
   * saves could not be written), and this page never writes over it.
   */
  failed = false;
  #claimed: string | null = null;
  /** The key another instance held when this one asked for it. */
  #refused: string | null = null;
  #connected = false;
  /** Disconnected after being connected (not yet connected at all: it loads, and claims). */
  #removed = false;
  /** Saves are waiting for the stored format to arrive. */
  #arrival: Promise<void> | null = null;
  /** A save waits for the stored format (cleared by the write it was waiting for). */
  #waiting = false;

  readonly #onOtherTab: (saved: SavedState) => void;

  constructor(host: PersistenceHost, snapshot: Snapshot, onOtherTab: (saved: SavedState) => void, throttleMs = 1000) {
    this.#host = host;
    this.#snapshot = snapshot;
    this.#onOtherTab = onOtherTab;
    this.#throttleMs = throttleMs;
    host.addController(this);
  }

  get key(): string {
    return storageKey(this.#host.relay, this.#host.id);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#removed = false;
    globalThis.addEventListener?.('pagehide', this.#flush);
    globalThis.addEventListener?.('storage', this.#otherTab);
    tabs();
    followers.add(this.#follow);
    this.#follow();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#removed = true;
    globalThis.removeEventListener?.('pagehide', this.#flush);
    globalThis.removeEventListener?.('storage', this.#otherTab);
    followers.delete(this.#follow);
    this.#flush();
    this.#release();
  }

  /** Whether this instance stores under its key (taking it if free); false while another holds it. */
  owns(): boolean {
    return this.#claim();
  }

  /** Take the key for this instance; false if another connected instance holds it. */
  #claim(): boolean {
    const key = this.key;
    if (this.#claimed !== null && this.#claimed !== key) this.#release();
    const owner = owners.get(key);
    // Removed from the page (its last answer may still end, a vote still be saved): it
    // writes only while nobody else holds the key (never if it was refused the key), and
    // never takes it again, so the chat mounted in its place (a single-page app's next
    // route) restores and stores.
    if (this.#removed) return this.#refused !== key && (owner === undefined || owner === this);
    // Once refused, always refused: taking the key over later (when the owner disconnects,
    // e.g. on page unload) would overwrite the owner's conversation with this one.
    if (this.#refused === key || (owner !== undefined && owner !== this)) {
      if (this.#refused !== key) {
        this.#refused = key;
        console.warn(
          `indigo-chat: another <indigo-chat> on this page already stores its conversation under "${key}"; ` +
            'this one is kept in memory only. Give each instance its own id.',
        );
      }
      return false;
    }
    owners.set(key, this);
    this.#claimed = key;
    return true;
  }

  #release(): void {
    if (this.#claimed !== null && owners.get(this.#claimed) === this) owners.delete(this.#claimed);
    this.#claimed = null;
  }

  /**
   * The saved state: now when nothing is saved or the stored format is loaded, else a
   * promise of it (null, with `failed` set, if the format could not be loaded).
   */
  load(): SavedState | null | Promise<SavedState | null> {
    const store = pickStorage(this.#host.storage);
    if (!store || !this.#claim()) return null;
    let raw: string | null;
    try {
      raw = store.getItem(this.key);
    } catch (e) {
      this.lastError = e;
      return null;
    }
    const { open, unread } = readLauncherState(store, this.#host.relay, this.#host.id);
    // Only what the launcher's few bytes say (the panel left open, the unread count).
    const launcherOnly = (left: boolean): SavedState => ({
      transcript: null,
      sender: null,
      open: left,
      draft: '',
      consent: false,
      mediaOrigins: [],
      unread,
    });
    // No conversation saved (or it did not fit), but the launcher's count may have.
    if (!raw) return unread > 0 ? launcherOnly(false) : null;
    // The launcher's bytes are written first and fit when the conversation no longer does:
    // a panel closed since (its save refused by the quota) stays closed.
    const decode = (codec: typeof Codec) => {
      const saved = codec.decode(raw, this.#host.deltaUnit, unread, (e) => (this.lastError = e));
      return saved && !open ? { ...saved, open: false } : saved;
    };
    if (persistCodec.mod) return decode(persistCodec.mod);
    return persistCodec.load().then(decode, (e: unknown) => {
      this.#fail(e);
      // The panel left open opens and shows why its conversation is missing.
      return launcherOnly(open);
    });
  }

  /**
   * Another tab wrote this conversation. Only its owner here listens, and only to a save
   * (a removal is that tab's restart, whose next save follows); what it wrote is read with
   * the stored format, fetched if this page has not needed it yet.
   */
  readonly #otherTab = (e: StorageEvent): void => {
    const store = pickStorage(this.#host.storage);
    if (!store || e.storageArea !== store || e.key !== this.key || e.newValue === null || this.#claimed !== this.key) return;
    const raw = e.newValue;
    void persistCodec.load().then(
      (codec) => {
        try {
          // Still the newest save, still this element's key: an older event must not win.
          if (this.#claimed !== this.key || store.getItem(this.key) !== raw) return;
        } catch (err) {
          this.lastError = err;
          return;
        }
        const saved = codec.decode(raw, this.#host.deltaUnit, 0, (err) => (this.lastError = err));
        if (saved && codec.follows(saved, this.#snapshot())) this.#onOtherTab(saved);
      },
      (err: unknown) => (this.lastError = err),
    );
  };

  /**
   * This conversation was moved out of localStorage (a withdrawal in another tab): the
   * element switches the same way, as if the consent tool had set `storage` here too, so
   * it does not put back what the visitor removed. Its key, or the one it still holds
   * while it moves to another. A tab that is not on `local` has nothing there to write back.
   */
  readonly #follow = (): void => {
    const to = withdrawn.get(this.key) ?? withdrawn.get(this.#claimed ?? '');
    if (to && this.#host.storage === 'local') this.#host.storage = to;
  };

  #fail(e: unknown): void {
    if (!this.failed)
      console.warn(
        'indigo-chat: the code that reads and writes saved conversations could not be loaded; this page keeps the chat in memory only (what was saved stays).',
        e,
      );
    this.failed = true;
    this.lastError = e;
  }

  /** Save now if idle, or within `throttleMs` while streaming. */
  schedule(streaming: boolean): void {
    if (!streaming) {
      this.#flush();
      return;
    }
    this.#timer ??= setTimeout(this.#flush, this.#throttleMs);
  }

  readonly #flush = (): void => this.#save(this.#host.relay, this.#host.id);

  /**
   * The element now answers to another relay or id (a framework reusing it across routes):
   * what it had is written under the key it held, that key is let go, and the new key's
   * conversation is read as on connecting (`load()`), never written over.
   */
  rekey(relay: string, id: string): SavedState | null | Promise<SavedState | null> {
    this.#save(relay, id);
    this.#release();
    this.#refused = null;
    return this.load();
  }

  /**
   * `storage` changed from `from`: the conversation kept under `relay` + `id` leaves that
   * store (if this instance wrote it) and is written to the new one, if any (`none`: kept
   * nowhere from now on, as a visitor withdrawing consent expects).
   */
  move(from: StorageKind, relay: string, id: string): void {
    const old = pickStorage(from);
    const key = storageKey(relay, id);
    const now = pickStorage(this.#host.storage);
    // Its own key, taken if free (a copy a previous page wrote goes too), or the one it still
    // holds. Not when this page cannot write it again (the stored format failed to load, or
    // nothing may be stored yet): it stays where it is, unless the move is to nowhere.
    const rewritable = !this.failed && this.#host.mayStore !== false;
    // Into `local`: this page's consent tool said so, whatever another tab did before.
    if (this.#host.storage === 'local') withdrawn.delete(key);
    if (old && old !== now && (rewritable || !now) && (key === this.key ? this.#claim() : this.#claimed === key)) {
      // The votes kept beside it go along; the teaser's day goes too.
      const votes = feedbackKey(key);
      try {
        const kept = old.getItem(votes);
        for (const k of [key, launcherKey(relay, id), votes, teaserKey(relay, id)]) old.removeItem(k);
        if (kept !== null && rewritable) now?.setItem(votes, kept);
      } catch (e) {
        this.lastError = e;
      }
      // Other tabs holding it there follow (localStorage is theirs too), and so does an
      // element of this page that holds it later.
      if (from === 'local') {
        withdrawn.set(key, this.#host.storage);
        tabs()?.postMessage({ left: key, to: this.#host.storage });
      }
    }
    this.#save(relay, id);
  }

  /** Write under `relay` + `id`: the element's key (taken if free), or the one it still holds. */
  #save(relay: string, id: string): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    // Nothing is written before the visitor acts (ePrivacy art. 5(3)): see `mayStore`.
    if (this.#host.mayStore === false || this.failed) return;
    const store = pickStorage(this.#host.storage);
    const key = storageKey(relay, id);
    const own = key === this.key;
    // Moved out of localStorage meanwhile (this element was out of the page, or its key changing).
    if (this.#host.storage === 'local' && withdrawn.has(key)) return this.#follow();
    if (!store || (own ? !this.#claim() : this.#claimed !== key)) return;
    const codec = persistCodec.mod;
    if (!codec) {
      if (own) this.#await();
      return;
    }
    this.#waiting = false;
    const snapshot = this.#snapshot();
    // Quota exceeded or storage disabled: keep going in memory.
    const write = (key: string, value: () => string): void => {
      try {
        store.setItem(key, value());
      } catch (e) {
        this.lastError = e;
      }
    };
    // The launcher's few bytes first, on their own: they still fit when the conversation
    // has outgrown the quota.
    write(launcherKey(relay, id), () => JSON.stringify({ open: snapshot.open, unread: snapshot.unread ?? 0 }));
    write(key, () => codec.encode(snapshot));
  }

  /**
   * Saves asked for before the stored format is here: one write when it arrives, of the
   * snapshot as it is then (the latest wins). A conversation (a message sent, an answer
   * started) fetches it at once; an open panel with nothing in it yet, at idle.
   */
  #await(): void {
    this.#waiting = true;
    // Only while a save still waits: idle time can come after the code arrived and wrote
    // (a loaded machine), and a second write of the same state is work for nothing.
    const fetch = () => void (this.#waiting && (this.#arrival ??= persistCodec.load().then(this.#arrived, (e: unknown) => this.#fail(e))));
    if (this.#snapshot().transcript.messages.length > 0) fetch();
    else (globalThis.requestIdleCallback ?? setTimeout)(fetch);
  }

  readonly #arrived = (): void => {
    this.#arrival = null;
    if (this.#connected) this.#flush();
    else if (!owners.has(this.key)) {
      // Removed meanwhile (and nobody took its key): write what it had, then let go.
      this.#flush();
      this.#release();
    }
  };

  clear(): void {
    if (this.#host.mayStore === false || this.failed) return;
    const store = pickStorage(this.#host.storage);
    if (!this.#claim()) return;
    try {
      store?.removeItem(this.key);
      store?.removeItem(launcherKey(this.#host.relay, this.#host.id));
    } catch (e) {
      this.lastError = e;
    }
  }
}
