import { describe, expect, it } from 'vitest';
import { dayKey, dayLabel, dayStarts, fullDate, fullDateBuilt, inTime, relativeTime, warmTimeFormat } from './time-format.js';

const NOW = new Date(2026, 10, 29, 15, 0, 0).getTime();
const min = 60_000;
const day = 24 * 60 * min;
const words = { today: 'Today', yesterday: 'Yesterday' };

describe('time formatting', () => {
  it('relative times are localized and pick a sensible unit', () => {
    expect(relativeTime(NOW - 10_000, NOW, 'en')).toBe('now');
    expect(relativeTime(NOW - 3 * min, NOW, 'en')).toBe('3 minutes ago');
    expect(relativeTime(NOW - 2 * 60 * min, NOW, 'en')).toBe('2 hours ago');
    expect(relativeTime(NOW - day, NOW, 'en')).toBe('yesterday');
    expect(relativeTime(NOW - 3 * min, NOW, 'fr')).toBe('il y a 3 minutes');
    expect(relativeTime(NOW - 3 * min, NOW, 'de')).toBe('vor 3 Minuten');
    expect(relativeTime(NOW - 3 * min, NOW, 'it')).toBe('3 minuti fa');
  });

  it('counts days as the day separators do (calendar days), and says the number of weeks', () => {
    const wednesday1am = new Date(2026, 11, 2, 1, 0).getTime();
    const monday11pm = new Date(2026, 10, 30, 23, 0).getTime(); // 26 hours before, two midnights back
    expect(dayLabel(monday11pm, wednesday1am, 'en', words)).not.toBe('Yesterday');
    expect(relativeTime(monday11pm, wednesday1am, 'en')).toBe('2 days ago');
    expect(relativeTime(new Date(2026, 11, 1, 0, 30).getTime(), wednesday1am, 'en')).toBe('yesterday'); // 24.5 h, one midnight
    expect(relativeTime(new Date(2026, 11, 1, 23, 0).getTime(), wednesday1am, 'en')).toBe('2 hours ago');
    expect(relativeTime(wednesday1am - 8 * day, wednesday1am, 'en')).toBe('1 week ago');
    expect(relativeTime(wednesday1am - 40 * day, wednesday1am, 'en')).toBe('1 month ago');
    expect(relativeTime(monday11pm, wednesday1am, 'it')).toBe('l’altro ieri'); // calendar 'the day before yesterday'
  });

  it('when to try again: seconds, then whole minutes and hours rounded up, localized with plurals', () => {
    expect(inTime(1, 'en')).toBe('in 1 second');
    expect(inTime(30, 'en')).toBe('in 30 seconds');
    expect(inTime(61, 'en')).toBe('in 2 minutes');
    expect(inTime(3600, 'en')).toBe('in 60 minutes');
    expect(inTime(30, 'it')).toBe('tra 30 secondi');
    expect(inTime(45, 'de')).toBe('in 45 Sekunden');
    expect(inTime(1, 'fr')).toBe('dans 1 seconde');
  });

  it('the full date names the day, the date and the time', () => {
    const s = fullDate(NOW, 'en');
    expect(s).toContain('Sunday');
    expect(s).toContain('November');
    expect(s).toContain('2026');
    expect(s).toMatch(/3:00|15:00/);
  });

  it('day labels: today, yesterday, then the date', () => {
    expect(dayLabel(NOW - 60 * min, NOW, 'en', words)).toBe('Today');
    expect(dayLabel(NOW - day, NOW, 'en', words)).toBe('Yesterday');
    expect(dayLabel(NOW - 3 * day, NOW, 'en', words)).toBe('Thursday, November 26');
    expect(dayLabel(NOW - 400 * day, NOW, 'en', words)).toContain('2025');
    expect(dayKey(NOW)).toBe('2026-11-29');
  });

  it("separators only when the conversation spans several days, before each day's first message", () => {
    expect([...dayStarts([NOW - 3 * min, NOW - 2 * min, NOW])]).toEqual([]);
    expect([...dayStarts([NOW - 2 * day, NOW - 2 * day + min, NOW - min, NOW])]).toEqual([0, 2]);
    expect([...dayStarts([])]).toEqual([]);
  });

  it('warmTimeFormat builds the full-date formatter in a later task, once, resolves then, and fullDate reuses it', async () => {
    const Original = Intl.DateTimeFormat;
    let made = 0;
    Intl.DateTimeFormat = new Proxy(Original, {
      construct(target, args: unknown[]) {
        made++;
        return Reflect.construct(target, args) as object;
      },
    });
    try {
      const built = warmTimeFormat('nl');
      expect(made).toBe(0);
      expect(fullDateBuilt('nl')).toBe(false);
      await built;
      expect(made).toBe(1);
      expect(fullDateBuilt('nl')).toBe(true);
      expect(warmTimeFormat('nl'), 'the same wait, not a second build').toBe(built);
      await new Promise((r) => setTimeout(r, 5));
      expect(fullDate(NOW, 'nl')).toBe(new Original('nl', { dateStyle: 'full', timeStyle: 'short' }).format(NOW));
      expect(made).toBe(1);
      expect(fullDateBuilt('sv')).toBe(false);
    } finally {
      Intl.DateTimeFormat = Original;
    }
  });
});
