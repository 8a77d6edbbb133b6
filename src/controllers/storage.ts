/**
 * Storage keys and access, shared by the persistence controller and the script-tag loader
 * (which must read the launcher's state without loading the widget).
 */
export type StorageKind = 'local' | 'session' | 'none';

export function storageKey(relay: string, id: string): string {
  return `indigo-chat:v1:${relay}#${id}`;
}

/**
 * A few bytes beside the conversation: open state and unread count, so the launcher
 * shell can show the badge (or open at once) without parsing the whole transcript.
 */
export function launcherKey(relay: string, id: string): string {
  return `${storageKey(relay, id)}:launcher`;
}

/** The visitor's thumbs and CSAT for the conversation kept under `key` (feedback-controller.ts). */
export const feedbackKey = (key: string): string => `${key}:feedback`;

/** The day the visitor last acted on the teaser (teaser.ts). */
export const teaserKey = (relay: string, id: string): string => `indigo-chat:teaser:${relay}#${id}`;

export interface LauncherState {
  readonly open: boolean;
  readonly unread: number;
}

/** An enumerated attribute's value as HTML reads them: blanks ignored, any case. */
export const keywordOf = (value: string | null): string | null => value?.trim().toLowerCase() ?? null;

export function pickStorage(kind: StorageKind): Storage | null {
  if (kind === 'none') return null;
  try {
    const s = kind === 'session' ? globalThis.sessionStorage : globalThis.localStorage;
    return s ?? null;
  } catch {
    // Accessing the property itself throws when storage is blocked.
    return null;
  }
}

/** The launcher's saved state; anything unreadable counts as closed with nothing unread. */
export function readLauncherState(store: Storage | null, relay: string, id: string): LauncherState {
  try {
    const v = JSON.parse(store?.getItem(launcherKey(relay, id)) ?? 'null') as Partial<LauncherState> | null;
    const unread = typeof v?.unread === 'number' && v.unread > 0 ? Math.min(Math.floor(v.unread), 99) : 0;
    return { open: v?.open === true, unread };
  } catch {
    return { open: false, unread: 0 };
  }
}

/**
 * Whether a conversation is saved for this (not yet upgraded) element, from its attributes
 * as the element reads them: the loaders then fetch the code that reads it beside the
 * widget. Anything unreadable counts as nothing saved.
 */
export function hasSavedConversation(el: Element): boolean {
  const kind = (keywordOf(el.getAttribute('storage')) ?? 'local') as StorageKind;
  return readStored(kind, storageKey(el.getAttribute('relay') ?? '/api/chat', el.id)) !== null;
}

/** What `key` holds in that storage; null when absent, or storage is off or blocked. */
export function readStored(kind: StorageKind, key: string): string | null {
  try {
    return pickStorage(kind)?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
