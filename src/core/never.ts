/**
 * Exhaustive switches over a union (Chunk, Block, notice and warning codes). The `default`
 * branch passes the narrowed value here: once every case is handled it is `never`, and a
 * kind added to the union without a case makes the type checker reject the call.
 */

/**
 * For switches whose caller recovers from a throw (the reducer turns it into an
 * `invalid-chunk` warning): reaching it at run time means a value from outside the types
 * (a hostile object, a newer producer).
 */
export function assertNever(value: never, what = 'value'): never {
  const kind =
    typeof value === 'object' && value !== null
      ? JSON.stringify((value as { type?: unknown; kind?: unknown }).type ?? (value as { kind?: unknown }).kind)
      : String(value);
  throw new TypeError(`Unhandled ${what}: ${String(kind).slice(0, 60)}`);
}

/**
 * The same compile-time check for places that must keep going at run time (rendering,
 * reading storage written by a newer version): returns `fallback`.
 */
export function skipNever<T>(_value: never, fallback: T): T {
  return fallback;
}
