/**
 * The one URL policy for every bot-supplied URL (links, buttons, images, videos).
 *
 * Pure: no DOM, so it runs in Node too. The rule is "parse with the WHATWG URL parser,
 * then check the *parsed* result": the parser normalises the many spellings of a host
 * (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1` all become `127.0.0.1`; IPv6 is
 * compressed; `\` becomes `/`), so checking its output closes the obfuscation games
 * that string matching loses. A refused URL returns `null`: the caller drops that one
 * item, never the whole message.
 */

export type UrlKind = 'link' | 'media';

export interface UrlPolicyOptions {
  /**
   * Extra allowed media origins, exact origin match (e.g. `http://127.0.0.1:5173` for the
   * demo's local images). An allowed origin wins over the https-only and no-loopback
   * rules: the site owner chose it explicitly.
   */
  readonly mediaOrigins?: readonly string[];
}

/** URLs longer than this are refused (before and after normalisation). */
export const MAX_URL_LENGTH = 2048;
/** E.164 caps phone numbers at 15 digits. */
const MAX_TEL_DIGITS = 15;

// C0/C1 controls, DEL, bidi embeddings/overrides/isolates and marks (Trojan-Source style
// spoofing), zero-width characters and BOM. Any of them anywhere refuses the URL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/u;

// An explicit scheme must start the value. Anything else (relative, `//host`, `&#106;…`
// entity spellings, leading whitespace) has no scheme and is refused: we never resolve
// against the host page.
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

// Host names that always mean "this machine / this network".
const LOCAL_SUFFIXES = ['.localhost', '.localdomain', '.local', '.internal', '.home.arpa', '.lan'];

/**
 * Returns the normalised href to use, or `null` to drop the item.
 * `link`: absolute http(s), `tel:`, `mailto:`. `media`: https only, plus exact
 * `options.mediaOrigins`.
 */
export function safeUrl(value: unknown, kind: UrlKind, options?: UrlPolicyOptions): string | null {
  if (typeof value !== 'string') return null;
  // Surrounding ASCII spaces are a common copy/paste artefact, harmless to drop. Other
  // whitespace (tab, newline) is a control character and refuses the URL below.
  const input = value.replace(/^ +| +$/g, '');
  if (input.length === 0 || input.length > MAX_URL_LENGTH) return null;
  if (FORBIDDEN_CHARS.test(input)) return null;
  const scheme = SCHEME.exec(input)?.[1]?.toLowerCase();
  if (scheme === undefined) return null;

  if (kind === 'link') {
    if (scheme === 'tel') return safeTel(input);
    if (scheme === 'mailto') return safeMailto(input);
    if (scheme !== 'http' && scheme !== 'https') return null;
  } else if (scheme !== 'https' && scheme !== 'http') {
    return null;
  }

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  // Re-check the parsed scheme: it is what the browser will act on.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  if (url.href.length > MAX_URL_LENGTH) return null;

  if (kind === 'media') {
    if (isAllowedMediaOrigin(url.origin, options?.mediaOrigins)) return url.href;
    if (url.protocol !== 'https:') return null;
  }
  if (!isPublicHost(url.hostname)) return null;
  return url.href;
}

/** How to present an accepted href (icon, label). */
export function urlAction(href: string): 'web' | 'tel' | 'mailto' {
  const lower = href.slice(0, 7).toLowerCase();
  if (lower.startsWith('tel:')) return 'tel';
  if (lower.startsWith('mailto:')) return 'mailto';
  return 'web';
}

function safeTel(input: string): string | null {
  // Strip ASCII spaces only ("+39 02 1234"); then only digits and + - . ( ) remain
  // legal. `*` and `#` would dial service codes (USSD), so they are refused.
  const number = input.slice(4).replace(/ /g, '');
  if (!/^\+?[0-9().-]+$/.test(number)) return null;
  const digits = number.replace(/[^0-9]/g, '').length;
  if (digits === 0 || digits > MAX_TEL_DIGITS) return null;
  return `tel:${number}`;
}

function safeMailto(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== 'mailto:') return null;
  let to: string;
  try {
    to = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // Decoded controls would let a recipient smuggle headers (`%0ABcc:`).
  if (FORBIDDEN_CHARS.test(to)) return null;
  const addresses = to.split(',').map((a) => a.trim());
  // One or more plain addresses; no display names, no angle brackets, no quoting games.
  const ADDRESS = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+\.[^\s@,;:<>()[\]"\\]+$/;
  if (addresses.length === 0 || !addresses.every((a) => ADDRESS.test(a))) return null;
  if (url.href.length > MAX_URL_LENGTH) return null;
  return url.href;
}

function isAllowedMediaOrigin(origin: string, allowed: readonly string[] | undefined): boolean {
  if (!allowed || origin === 'null') return false;
  for (const candidate of allowed) {
    if (typeof candidate !== 'string') continue;
    try {
      // Normalise the configured value the same way (`HTTP://127.0.0.1:80/` -> `http://127.0.0.1`).
      if (new URL(candidate).origin === origin) return true;
    } catch {
      // A malformed configured origin allows nothing.
    }
  }
  return false;
}

/** `hostname` as produced by the URL parser (lower-case, IPv4 dotted decimal, IPv6 in brackets). */
function isPublicHost(rawHostname: string): boolean {
  const hostname = rawHostname.endsWith('.') ? rawHostname.slice(0, -1) : rawHostname;
  if (hostname === '') return false;
  if (hostname.startsWith('[')) return isPublicIpv6(hostname.slice(1, -1));
  const v4 = parseDottedIpv4(hostname);
  if (v4 !== null) return isPublicIpv4(v4);
  if (hostname === 'localhost' || LOCAL_SUFFIXES.some((s) => hostname.endsWith(s))) return false;
  // A single-label name ("intranet", "router") only resolves inside a private network.
  if (!hostname.includes('.')) return false;
  // A name whose top-level label is not a real-looking TLD (letters, or punycode) is not a
  // public web host: it is a near-IP spelling like `127.0.0.1a` (a domain to the URL
  // parser, but never a site a bot should link to) or an internal name.
  const tld = hostname.slice(hostname.lastIndexOf('.') + 1);
  return /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld);
}

function parseDottedIpv4(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255) return null;
    n = n * 256 + part;
  }
  return n;
}

// [network, prefix length] of IPv4 ranges that are not the public internet.
const PRIVATE_V4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local (cloud metadata lives here)
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 3], // 224/4 multicast + 240/4 reserved + broadcast
];

function isPublicIpv4(addr: number): boolean {
  for (const [net, bits] of PRIVATE_V4) {
    const size = 2 ** (32 - bits);
    if (addr >= net && addr < net + size) return false;
  }
  return true;
}

/**
 * Expands the parser's serialised IPv6 to 8 groups. The WHATWG serialiser always writes
 * hex groups (`::ffff:127.0.0.1` becomes `::ffff:7f00:1`), so a dotted tail never
 * reaches here; anything unexpected is refused by the caller.
 */
function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-f:]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined): number[] =>
    part ? part.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)) : [];
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const zeros = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (zeros < 0) return null;
  const groups = [...head, ...new Array<number>(zeros).fill(0), ...rest];
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  return groups;
}

function isPublicIpv6(text: string): boolean {
  const g = parseIpv6(text);
  if (g === null) return false;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    // ::, ::1, IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d): refuse
    // them all; no public link needs to spell an IPv4 host this way.
    if (g5 === 0 || g5 === 0xffff) return false;
  }
  if (g0 >= 0xfe80 && g0 <= 0xfebf) return false; // fe80::/10 link-local
  if (g0 >= 0xfec0 && g0 <= 0xfeff) return false; // fec0::/10 old site-local
  if (g0 >= 0xfc00 && g0 <= 0xfdff) return false; // fc00::/7 unique local
  if (g0 >= 0xff00) return false; // multicast
  if (g0 === 0x0064 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    // NAT64 (64:ff9b::/96) embeds an IPv4 address: apply the IPv4 rules to it.
    return isPublicIpv4(g6 * 65536 + g7);
  }
  if (g0 === 0x2002) return isPublicIpv4(g1 * 65536 + g2); // 6to4 (2002::/16) embeds one too
  if (g0 === 0x2001 && g1 === 0x0db8) return false; // documentation range
  return true;
}
