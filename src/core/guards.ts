/** Type guards for untrusted values (wire chunks, stored transcripts, hand-made events). */

/** A plain object: not null, not an array. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export const isString = (x: unknown): x is string => typeof x === 'string';
