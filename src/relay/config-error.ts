/** A missing or malformed setting. Its message names the variable, never its value. */
export class RelayConfigError extends Error {
  override name = 'RelayConfigError';
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
