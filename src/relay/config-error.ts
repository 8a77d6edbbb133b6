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
