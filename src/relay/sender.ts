/**
 * Signed sender ids (Web Crypto only, so it runs on every edge runtime).
 *
 * Format: `<id>.<sig>`, both base64url: `id` is 128 random bits, `sig` is
 * HMAC-SHA256(secret, "indigo-sender\n" + id + "\n" + origin).
 *
 * Why this binds a conversation to its browser: the platform keys conversations by
 * `sender`, so whoever knows a sender id can write into that conversation. The relay
 * mints the id at random and hands it only to the browser that asked, so the id is a
 * bearer secret that only that browser knows. The signature makes ids unforgeable without
 * the relay's secret (a guessed or made-up id is refused before any upstream call), and
 * signing the origin too means an id minted for one allowed site cannot be replayed from
 * another allowed site's pages.
 */

const SENDER_RE = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;
const encoder = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The bytes of `text`, or null unless `text` is their canonical unpadded base64url spelling:
 * decoding ignores a last character's spare bits, so without this check three other
 * spellings of every signature would verify too (sender ids the relay never issued, each
 * a conversation of its own on the platform; console cookies likewise).
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return toBase64Url(out) === text ? out : null;
  } catch {
    return null;
  }
}

export function isSenderFormat(value: unknown): value is string {
  return typeof value === 'string' && SENDER_RE.test(value);
}

export interface SenderSigner {
  issue(origin: string): Promise<string>;
  verify(sender: string, origin: string): Promise<boolean>;
}

/**
 * `secrets`: one secret, or several for rotation: the first signs new ids, every one of
 * them verifies (so ids issued under the previous secret keep working while it is listed).
 */
export function createSenderSigner(secrets: string | readonly string[]): SenderSigner {
  const list = typeof secrets === 'string' ? [secrets] : [...secrets];
  if (list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) {
    throw new TypeError('createSenderSigner needs at least one non-empty secret');
  }
  const keys = new Map<string, Promise<CryptoKey>>();
  const getKey = (secret: string) => {
    let key = keys.get(secret);
    if (!key) {
      key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      keys.set(secret, key);
    }
    return key;
  };
  const message = (id: string, origin: string) => encoder.encode(`indigo-sender\n${id}\n${origin}`);

  return {
    async issue(origin) {
      const id = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
      const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await getKey(list[0] as string), message(id, origin)));
      return `${id}.${toBase64Url(sig)}`;
    },
    async verify(sender, origin) {
      if (!isSenderFormat(sender)) return false;
      const [id = '', sigText = ''] = sender.split('.');
      const sig = fromBase64Url(sigText);
      if (!sig || sig.byteLength !== 32) return false;
      // subtle.verify compares in constant time; every listed secret is tried.
      for (const secret of list) {
        if (await crypto.subtle.verify('HMAC', await getKey(secret), sig, message(id, origin))) return true;
      }
      return false;
    },
  };
}

/** `RELAY_SECRET` as a list: comma separated, blanks trimmed and dropped. */
export function parseSecrets(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? value.split(',') : value;
  return parts.map((s) => (typeof s === 'string' ? s.trim() : '')).filter((s) => s !== '');
}

/** A random secret for when none is configured (ids then die with the process). */
export function randomSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}
