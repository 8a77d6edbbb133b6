/**
 * Redaction of the platform secret from anything the relay logs or emits.
 *
 * The PAT must never leave the relay except in the upstream `authorization` header, not
 * even in pieces: a log line holding half a token still halves the attacker's work. So
 * besides the whole value we also scrub every window of `FRAGMENT` characters of it.
 */

const FRAGMENT = 8;
const MARK = '[redacted]';

export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    if (secret.length > FRAGMENT) {
      for (let i = 0; i + FRAGMENT <= secret.length; i++) needles.add(secret.slice(i, i + FRAGMENT));
    }
  }
  // Longest first, so a whole token is replaced in one go rather than window by window.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const needle of ordered) if (out.includes(needle)) out = out.split(needle).join(MARK);
    return out;
  };
}

/** Deep copy of log fields with every string redacted; anything exotic becomes a string. */
export function redactFields(value: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  if (depth > 4) return '[deep]';
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactFields(v, redact, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[redact(k)] = redactFields(v, redact, depth + 1);
    return out;
  }
  const rest = value as bigint | symbol | ((...args: unknown[]) => unknown); // all that is left
  return redact(String(rest));
}
