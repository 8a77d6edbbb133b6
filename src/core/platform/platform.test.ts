import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYTICS_PATHS, parseAnalyticsPaths, parseDay } from './analytics.js';
import { conversationKey, parseMessageId, stableMessageId } from './message-id.js';

describe('stable message ids', () => {
  it('are <conversation>.<turn>.<block> from the sender id, never its signature', () => {
    const sender = `Qk3lVq0Yb1xR9nQ2sT8uWA.${'s'.repeat(43)}`;
    expect(conversationKey(sender)).toBe('Qk3lVq0Yb1xR9nQ2sT8uWA');
    expect(stableMessageId(sender, 3)).toBe('Qk3lVq0Yb1xR9nQ2sT8uWA.3.0');
    expect(parseMessageId('Qk3lVq0Yb1xR9nQ2sT8uWA.3.0')).toEqual({ conversation: 'Qk3lVq0Yb1xR9nQ2sT8uWA', turn: 3, block: 0 });
    for (const bad of ['', 'a.0.0', 'a.1', 'a/b.1.0', 'a.1.0.0', 'a.01.0', `${'a'.repeat(65)}.1.0`]) expect(parseMessageId(bad)).toBeNull();
    expect(conversationKey('has/slash.sig')).toBe('');
  });
});

describe('analytics paths and days', () => {
  it('default table, overrides as pairs or JSON, clear errors', () => {
    expect(parseAnalyticsPaths(undefined)).toEqual(DEFAULT_ANALYTICS_PATHS);
    expect(parseAnalyticsPaths('chats=/v2/{project_id}/chats').chats).toBe('/v2/{project_id}/chats');
    expect(parseAnalyticsPaths('{"errors":"/e/{project_id}"}').errors).toBe('/e/{project_id}');
    expect(() => parseAnalyticsPaths('bogus=/x')).toThrow(/unknown endpoint "bogus"/);
    expect(() => parseAnalyticsPaths('chats=x')).toThrow(/must start with \//);
    expect(() => parseAnalyticsPaths('chats=/x?y=1')).toThrow(/no query/);
    expect(() => parseAnalyticsPaths('{oops')).toThrow(/not valid JSON/);
  });
  it('parseDay accepts only real calendar days', () => {
    expect(parseDay('2026-02-28')).toBe(Date.parse('2026-02-28T00:00:00Z'));
    for (const bad of ['2026-02-30', '2026-2-1', '20260201', null, 5]) expect(parseDay(bad)).toBeNull();
  });
});
