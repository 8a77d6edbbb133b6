/**
 * Console sign-in: the owner types RELAY_CONSOLE_TOKEN into a form; the relay answers with
 * a session cookie (HttpOnly, SameSite=Strict, Secure on https, 8 h). Web Crypto only.
 *
 * - The token is compared in constant time (HMAC both sides under a per-process key, then
 *   `subtle.verify`, which compares in constant time).
 * - The cookie value is `<expiry>.<nonce>.<mac>`, MACed with a key derived from the token:
 *   changing the token signs every session out. Nothing is stored server-side.
 * - CSRF: the cookie is SameSite=Strict; every POST must also come from the console's own
 *   origin (`Origin`, or `Sec-Fetch-Site: same-origin` when a browser omits Origin) and,
 *   once signed in, carry the session's CSRF token (a MAC of the nonce).
 */
import { toBase64Url, fromBase64Url } from '../sender.js';

const encoder = new TextEncoder();
export const SESSION_MS = 8 * 3_600_000;

export interface ConsoleAuth {
  checkToken(candidate: string): Promise<boolean>;
  issue(): Promise<{ cookie: string; value: string }>;
  /** The session's nonce when the cookie is valid and unexpired, else null. */
  session(cookieHeader: string | null): Promise<string | null>;
  csrfToken(nonce: string): Promise<string>;
  checkCsrf(nonce: string, candidate: string | null): Promise<boolean>;
  clearCookie(): string;
  readonly cookieName: string;
}

async function hmacKey(secret: string | Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    typeof secret === 'string' ? encoder.encode(secret) : secret,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
}

export function createConsoleAuth(token: string, options: { secure: boolean; now?: () => number; path?: string }): ConsoleAuth {
  const now = options.now ?? Date.now;
  const path = options.path ?? '/console';
  // __Host- needs Secure and Path=/; on plain http (127.0.0.1 demos) a path-scoped name.
  const cookieName = options.secure ? '__Host-indigo-console' : 'indigo-console';
  const cookiePath = options.secure ? '/' : path;
  const compareKey = hmacKey(crypto.getRandomValues(new Uint8Array(32)));
  const sessionKey = (async () => {
    const k = await hmacKey(token);
    return hmacKey(new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode('indigo-console-session'))));
  })();
  const expected = compareKey.then(async (k) => new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(token))));
  const mac = async (text: string) => toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', await sessionKey, encoder.encode(text))));
  const verify = async (text: string, sig: string) => {
    const bytes = fromBase64Url(sig);
    return !!bytes && bytes.byteLength === 32 && crypto.subtle.verify('HMAC', await sessionKey, bytes, encoder.encode(text));
  };
  const attrs = (maxAge: number) => `Path=${cookiePath}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${options.secure ? '; Secure' : ''}`;

  return {
    cookieName,
    async checkToken(candidate) {
      if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 1024) return false;
      // Both sides MACed: the comparison time depends on neither the token nor its length.
      return crypto.subtle.verify('HMAC', await compareKey, await expected, encoder.encode(candidate));
    },
    async issue() {
      const expiry = now() + SESSION_MS;
      const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(18)));
      const value = `${expiry}.${nonce}.${await mac(`s:${expiry}.${nonce}`)}`;
      return { value, cookie: `${cookieName}=${value}; ${attrs(SESSION_MS / 1000)}` };
    },
    async session(header) {
      if (!header) return null;
      for (const part of header.split(';')) {
        const [name, ...rest] = part.trim().split('=');
        if (name !== cookieName) continue;
        const [expiry = '', nonce = '', sig = ''] = rest.join('=').split('.');
        if (!/^\d{1,15}$/.test(expiry) || Number(expiry) <= now() || !/^[A-Za-z0-9_-]{24}$/.test(nonce)) return null;
        return (await verify(`s:${expiry}.${nonce}`, sig)) ? nonce : null;
      }
      return null;
    },
    csrfToken: (nonce) => mac(`c:${nonce}`),
    async checkCsrf(nonce, candidate) {
      return typeof candidate === 'string' && candidate.length < 100 && verify(`c:${nonce}`, candidate);
    },
    clearCookie: () => `${cookieName}=; ${attrs(0)}`,
  };
}
