/**
 * Message times: relative on hover/focus (`Intl.RelativeTimeFormat`), the full date for
 * screen readers, and day separators. Formatters are cached per language: a long
 * transcript formats hundreds of dates.
 */
const cache = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.RelativeTimeFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * "now", "3 minutes ago", "yesterday", "2 days ago", "1 week ago", in `lang`. Days are
 * calendar days, as the day separators count them (26 hours back across two midnights is
 * "2 days ago", not "yesterday"); weeks and longer say their number (`numeric: 'always'`:
 * a 24-hour block is not "last week" or "last month" on the calendar).
 */
export function relativeTime(at: number, now: number, lang: string): string {
  const auto = (numeric: 'auto' | 'always') => cached(`rel:${numeric}:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric }));
  const seconds = Math.round((at - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) < size) continue;
    if (unit === 'day') {
      const midnight = (t: number) => new Date(t).setHours(0, 0, 0, 0);
      // Rounded: a day with a clock change is 23 or 25 hours long.
      return auto('auto').format(Math.round((midnight(at) - midnight(now)) / 864e5), unit);
    }
    return auto(size > 86400 ? 'always' : 'auto').format(Math.trunc(seconds / size), unit);
  }
  return auto('auto').format(0, 'second');
}

/** "in 30 seconds", "in 2 minutes" (rounded up): when to try again. */
export function inTime(seconds: number, lang: string): string {
  return cached(`in:${lang}`, () => new Intl.RelativeTimeFormat(lang)).format(
    seconds < 60 ? seconds : Math.ceil(seconds / 60),
    seconds < 60 ? 'second' : 'minute',
  );
}

/** The full date and time, e.g. "Sunday 29 November 2026 at 09:14". */
export function fullDate(at: number, lang: string): string {
  return cached(`full:${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' })).format(at);
}

/** Whether fullDate() has its formatter for `lang` (built by warmTimeFormat, or a first call). */
export const fullDateBuilt = (lang: string): boolean => cache.has(`full:${lang}`);

const warming = new Map<string, Promise<unknown>>();

/**
 * Builds `lang`'s full-date formatter when the page is idle (within 500 ms); resolves once
 * it is built. The first `Intl.DateTimeFormat` of a page loads ICU's date data (30-80 ms
 * here, 110-140 ms on a 4x slower CPU), so no render builds it: a message's time is shown
 * at once and its full date for screen readers follows (fullDateBuilt). Also called when
 * the composer gets focus (opening the launcher focuses it), so the visitor's first message
 * finds it built; pages where nobody chats never pay it.
 */
export function warmTimeFormat(lang: string): Promise<unknown> {
  if (!warming.has(lang))
    warming.set(
      lang,
      // (setTimeout, where there is no requestIdleCallback, reads the options as a 0 ms delay.)
      new Promise((built) => (globalThis.requestIdleCallback ?? setTimeout)(() => built(fullDate(0, lang)), { timeout: 500 })),
    );
  return warming.get(lang)!;
}

/** The calendar day in local time, `YYYY-MM-DD` (also used in file names). */
export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A day separator's text: today, yesterday, else the long date (the year only when not this year). */
export function dayLabel(at: number, now: number, lang: string, words: { today: string; yesterday: string }): string {
  const key = dayKey(at);
  if (key === dayKey(now)) return words.today;
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (key === dayKey(y.getTime())) return words.yesterday;
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  const f = cached(
    `day:${lang}:${sameYear}`,
    () => new Intl.DateTimeFormat(lang, sameYear ? { weekday: 'long', day: 'numeric', month: 'long' } : { dateStyle: 'full' }),
  );
  return f.format(at);
}

/**
 * Day separators go before the first message of each calendar day, and only when the
 * conversation spans more than one day (a one-day chat needs none). Returns the indices
 * of the messages that start a day.
 */
export function dayStarts(times: readonly number[]): Set<number> {
  const out = new Set<number>();
  let prev = '';
  let days = 0;
  times.forEach((at, i) => {
    const k = dayKey(at);
    if (k !== prev) {
      out.add(i);
      prev = k;
      days++;
    }
  });
  return days > 1 ? out : new Set();
}
