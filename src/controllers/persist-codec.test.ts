import { describe, expect, it } from 'vitest';
import { createTranscript } from '../core/conversation/reducer.js';
import { c, chunk, run, send } from '../core/conversation/reducer.test-helper.js';
import type { Transcript } from '../core/index.js';
import type { SavedState } from './persistence-controller.js';
import { follows } from './persist-codec.js';

// Whether another tab's save of the conversation replaces this tab's (two-tabs-one-conversation.md).
const answered = (t: Transcript, text: string): Transcript =>
  run(t, [send(text), chunk(c.start()), chunk(c.text(`<p>re ${text}</p>`)), chunk(c.end())]);
const saved = (transcript: Transcript | null, sender: string | null): SavedState => ({
  transcript,
  sender,
  open: false,
  draft: '',
  consent: false,
  mediaOrigins: [],
  unread: 0,
});
const mine = (transcript: Transcript, sender: string | null) => ({ transcript, sender, open: true });

describe('follows (another tab’s save)', () => {
  const base = answered(createTranscript(), 'one');
  const further = answered(base, 'two');

  it('takes a save that goes on from what this tab shows, in the same conversation', () => {
    expect(follows(saved(further, 's1'), mine(base, 's1'))).toBe(true);
    expect(follows(saved(further, 's1'), mine(createTranscript(), 's1'))).toBe(true);
  });

  it('keeps this tab’s own when the save is not further or left out what this tab shows', () => {
    expect(follows(saved(base, 's1'), mine(base, 's1'))).toBe(false);
    expect(follows(saved(base, 's1'), mine(further, 's1'))).toBe(false);
    // Both went on on their own: the same ids (per-tab counters), other times.
    const other = answered(base, 'elsewhere');
    expect(other.messages.map((m) => m.id)).toEqual(further.messages.map((m) => m.id));
    expect(follows(saved(answered(other, 'more'), 's1'), mine(further, 's1'))).toBe(false);
  });

  it('takes a new conversation (another sender), but never a save taken mid-answer or without a sender', () => {
    expect(follows(saved(answered(createTranscript(), 'new'), 's2'), mine(further, 's1'))).toBe(true);
    const midAnswer = run(base, [send('three'), chunk(c.start()), chunk(c.text('<p>half</p>'))]);
    expect(midAnswer.status).not.toBe('idle');
    expect(follows(saved(midAnswer, 's1'), mine(base, 's1'))).toBe(false);
    expect(follows(saved(midAnswer, 's2'), mine(base, 's1'))).toBe(false);
    expect(follows(saved(further, null), mine(base, 's1'))).toBe(false);
    expect(follows(saved(null, 's2'), mine(base, 's1'))).toBe(false);
  });
});
