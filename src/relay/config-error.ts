/** A missing or malformed setting. Its message names the variable, never its value. */
export class RelayConfigError extends Error {
  override name = 'RelayConfigError';
}

/** The longest delay a timer takes (2^31 - 1 ms, ~24.8 days): past it Node fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A count or duration setting: decimal digits only (not `0x10`, `1e3`, `10abc`), from `min`
 * to `max` (default 1 to MAX_TIMER_MS, so a delay never overflows to "at once"); otherwise
 * one clear error naming `name`.
 */
export function wholeNumber(name: string, raw: string, min = 1, max = MAX_TIMER_MS): number {
  const v = raw.trim();
  const n = /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new RelayConfigError(`${name} must be a whole number from ${min} to ${max}.`);
  return n;
}

/** An http(s) base URL setting, without trailing slashes; otherwise one clear error naming `name`. */
export function httpBase(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RelayConfigError(`${name} is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RelayConfigError(`${name} must be an http(s) URL.`);
  return value.replace(/\/+$/, '');
}

/**
 * One origin setting entry (`ALLOWED_ORIGINS`, `RELAY_SELF_ORIGIN`) as the browser sends it in
 * `Origin`: scheme, host and port only, lower-case, default port dropped (`https://Shop.Example:443/`
 * is `https://shop.example`). Anything else would never match and silently refuse every
 * visitor, so it stops the relay at start with one line naming the variable and which entry
 * (`position`, 1-based, for a list), never its value.
 */
export function exactOrigin(name: string, value: string, position?: number): string {
  const which = position === undefined ? 'its value' : `entry ${position}`;
  const hint = `${name} takes exact origins such as https://shop.example (scheme, host and optional port; comma-separated)`;
  if (value === '*') throw new RelayConfigError(`${hint}; "*" is not supported: list each site's origin.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RelayConfigError(`${hint}; ${which} is not one.`);
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare || value.endsWith('?') || value.endsWith('#'))
    throw new RelayConfigError(`${hint}; ${which} is not one (no path, query or credentials).`);
  return url.origin;
}
