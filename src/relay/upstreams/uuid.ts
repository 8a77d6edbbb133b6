/**
 * UUID v5 (RFC 9562: SHA-1 of namespace + name) with Web Crypto only, so the relay stays
 * edge-safe. Used to derive a stable, opaque visitor key from the signed sender id: the
 * platform sees the same key for the same visitor and never the sender id (a bearer secret).
 * `stableUuidV4` is the same hash in the v4 layout, for APIs that accept only v4 ids (the
 * chat-messages API documents its `chatId` as "A UUID v4 string").
 */

/** The relay's namespace for visitor keys (a random v4, fixed forever). */
export const VISITOR_NAMESPACE = '6f2f8c1e-3b0d-4c55-9a61-2f7d7e0b9a44';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A UUID in the v4 layout (version 4, RFC variant). */
export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

export function uuidV5(name: string, namespace: string = VISITOR_NAMESPACE): Promise<string> {
  return nameUuid(name, namespace, 0x50);
}

/** The v5 hash of `name` laid out as a v4 (version nibble 4): stable, opaque, and accepted where only v4 is. */
export function stableUuidV4(name: string, namespace: string = VISITOR_NAMESPACE): Promise<string> {
  return nameUuid(name, namespace, 0x40);
}

async function nameUuid(name: string, namespace: string, version: number): Promise<string> {
  if (!isUuid(namespace)) throw new TypeError('namespace must be a UUID');
  const ns = new Uint8Array(16);
  const hex = namespace.replace(/-/g, '');
  for (let i = 0; i < 16; i++) ns[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(16 + nameBytes.byteLength);
  input.set(ns, 0);
  input.set(nameBytes, 16);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-1', input));
  const b = hash.slice(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | version;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random v4 (for message ids the relay makes up). */
export function uuidV4(): string {
  return crypto.randomUUID();
}
