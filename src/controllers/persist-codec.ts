/**
 * The stored conversation's format, both ways: loaded behind `import()` (not on the open
 * path, docs/decisions/persistence-off-the-open-path.md). The persistence controller
 * fetches it when storage holds a conversation to restore (the script-tag loader starts
 * it beside the widget), at the first save worth writing, or at idle after the chat shows.
 */
import { deserializeTranscript, serializeTranscript } from '../core/conversation/serialize.js';
import type { DeltaUnit, Transcript } from '../core/index.js';
import { MAX_TEXT_CHARS } from './conversation-controller.js';
import { persistCodec } from './persistence-controller.js';
import type { SavedState, Snapshot } from './persistence-controller.js';

interface Stored {
  v: 1;
  sender: string | null;
  open: boolean;
  transcript: string | null;
  /** Optional (absent in older saves). Capped (a paste may be far over the composer's limit). */
  draft?: string;
  /** Optional: the visitor accepted the consent notice. */
  consent?: true;
  /** Optional: media origins the relay announced. */
  media?: string[];
  /** Optional: the relay's text limit, when not the default. */
  max?: number;
}

/** A draft is kept up to this many UTF-16 units: whole for any sensible limit, no storage flood. */
const DRAFT_CAP = 100_000;

/** What `flush` writes under the conversation's key. */
export function encode(snapshot: ReturnType<Snapshot>): string {
  const { transcript, sender, open, draft, consent, mediaOrigins, maxChars } = snapshot;
  const stored: Stored = { v: 1, sender, open, transcript: serializeTranscript(transcript) };
  if (draft) stored.draft = draft.slice(0, DRAFT_CAP);
  if (consent) stored.consent = true;
  if (mediaOrigins && mediaOrigins.length > 0) stored.media = [...mediaOrigins];
  if (maxChars !== undefined && maxChars !== MAX_TEXT_CHARS) stored.max = maxChars;
  return JSON.stringify(stored);
}

/**
 * A saved conversation read back; null for anything unreadable (storage may have been
 * edited by another script). `onError` hears why a transcript was dropped.
 */
export function decode(raw: string, deltaUnit: DeltaUnit, unread: number, onError: (e: unknown) => void): SavedState | null {
  try {
    const parsed = JSON.parse(raw) as Partial<Stored>;
    if (!parsed || parsed.v !== 1) return null;
    let transcript: Transcript | null = null;
    if (typeof parsed.transcript === 'string') {
      try {
        transcript = deserializeTranscript(parsed.transcript, { deltaUnit }) ?? null;
      } catch (e) {
        onError(e);
      }
    }
    return {
      transcript,
      sender: typeof parsed.sender === 'string' ? parsed.sender : null,
      open: parsed.open === true,
      draft: typeof parsed.draft === 'string' ? parsed.draft.slice(0, DRAFT_CAP) : '',
      consent: parsed.consent === true,
      mediaOrigins: Array.isArray(parsed.media) ? parsed.media.filter(isOrigin).slice(0, 16) : [],
      ...(Number.isSafeInteger(parsed.max) && parsed.max! > 0 ? { maxChars: parsed.max! } : {}),
      unread,
    };
  } catch (e) {
    onError(e);
    return null;
  }
}

/**
 * Whether another tab's save of this conversation should replace what this tab holds
 * (docs/decisions/two-tabs-one-conversation.md): a finished state (not a save taken
 * mid-answer) that either goes on from here (this tab's messages begin it, by id and time:
 * ids are per-tab counters, so two tabs that went their own ways reuse them) or is a new
 * conversation the other tab started (another sender). Nothing shown here is dropped
 * otherwise: two tabs that both went on keep their own, and the last save wins.
 */
export function follows(saved: SavedState, mine: ReturnType<Snapshot>): boolean {
  const next = saved.transcript;
  if (!next || next.status !== 'idle' || saved.sender === null) return false;
  if (saved.sender !== mine.sender) return true;
  const shown = mine.transcript.messages;
  return next.messages.length > shown.length && shown.every((m, i) => next.messages[i]!.id === m.id && next.messages[i]!.at === m.at);
}

/**
 * What the relay can announce (an exact http(s) origin, as transport.ts takes them): these
 * origins let bot images load on render, so an entry edited into storage must not widen
 * that (`*` would allow every host).
 */
function isOrigin(value: unknown): value is string {
  try {
    return typeof value === 'string' && /^https?:\/\/[^/]+$/.test(value) && new URL(value).origin === value;
  } catch {
    return false;
  }
}

// Here as soon as evaluated: the script-tag loader imports this chunk beside the widget
// when a conversation is saved, so the element connecting next restores it synchronously,
// in its first render (not a few microtasks later, after the loader's shell has gone).
persistCodec.mod ??= { encode, decode, follows };
