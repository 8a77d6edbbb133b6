/** A missing or malformed setting. Its message names the variable, never its value. */
export class RelayConfigError extends Error {
  override name = 'RelayConfigError';
}
