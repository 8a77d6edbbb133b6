// Renamed names keep working for callers (docs/decisions/one-name-per-idea.md).
import { describe, expect, it } from 'vitest';

describe('public API after the renames', () => {
  it('relay: DEFAULT_LIMITS is a deprecated alias of DEFAULT_RELAY_LIMITS', async () => {
    const relay = await import('./relay/index.js');
    expect(relay.DEFAULT_LIMITS).toBe(relay.DEFAULT_RELAY_LIMITS);
    expect(relay.DEFAULT_RELAY_LIMITS.bodyBytes).toBe(16384);
  });

  it('element: session is a deprecated alias of conversation', async () => {
    const { IndigoChat } = await import('./index.js');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(fake)
    const getter = Object.getOwnPropertyDescriptor(IndigoChat.prototype, 'session')?.get;
    expect(typeof getter).toBe('function');
    const fake = { conversation: { marker: 1 } };
    expect(getter!.call(fake)).toBe(fake.conversation);
  });

  it('core: notice texts by code, warning codes, delta units', async () => {
    const core = await import('./core/index.js');
    expect(Object.keys(core.NOTICE_TEXT).sort()).toEqual([
      'error',
      'incomplete',
      'no-answer',
      'no-answer-in-time',
      'offline',
      'rate-limited',
      'relay-error',
      'send-failed',
      'timeout',
    ]);
    expect([...core.WARNING_CODES].sort()).toEqual(['cap-reached', 'degraded-generation', 'ignored-chunk', 'invalid-chunk', 'refused-url']);
    expect(core.DELTA_UNITS.filter(core.isDeltaUnit)).toEqual(['grapheme', 'codepoint', 'utf16']);
    expect(core.isDeltaUnit('bytes')).toBe(false);
  });
});
