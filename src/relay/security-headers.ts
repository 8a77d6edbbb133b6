/**
 * Security headers for the pages the relay's Node server serves (the demo, `--static`
 * sites, the owner console): a strict Content-Security-Policy with `frame-ancestors`, a
 * referrer policy and a permissions policy. Web-standard only (no `node:`), so an edge
 * deployment serving its own pages can reuse them.
 *
 * The CSP is the one the README recommends to site owners (Security section), and the
 * one the widget is tested under: scripts and styles from the page's origin only (no
 * inline but the page's own hashed scripts, no eval), images and
 * media from the page's origin plus the listed media origins, connections to the page's
 * origin (the relay) only, YouTube/Vimeo players only after the visitor's click; with
 * `trustedTypes`, Trusted Types enforced with the widget's two policy names.
 */

export interface CspOptions {
  /**
   * Origins images and videos may load from besides the page's (the platform's media
   * origin, your CDN). Default: any `https:` origin, so the widget's click-to-load images
   * and videos work; list your origins to lock `img-src`/`media-src` down (then an image
   * the visitor asks for from another host stays blocked by the browser too).
   */
  readonly mediaOrigins?: readonly string[];
  /** Who may frame these pages: `'self'` (default), `'none'`, or origins. */
  readonly frameAncestors?: string;
  /**
   * Add `require-trusted-types-for 'script'` with the widget's policy names. The widget
   * works under it (demo/csp.html); off by default for the served pages, because a
   * site's own scripts may not be ready for Trusted Types.
   */
  readonly trustedTypes?: boolean;
  /** Extra `connect-src` origins (a relay on another origin). */
  readonly connectOrigins?: readonly string[];
  /**
   * `'sha256-…'` sources for `script-src`: the inline scripts of a static page the server
   * serves (the README's after-load snippet), hashed by the Node server per file
   * (`inlineScriptTexts`). Anything else inline still does not run.
   */
  readonly scriptHashes?: readonly string[];
}

const HASH_SOURCE = /^'sha(256|384|512)-[A-Za-z0-9+/]+={0,2}'$/;

/**
 * The text of each inline `<script>` (no `src`) of an HTML document, as the browser hashes
 * it for CSP: raw (no entity decoding), line breaks normalized to LF by the HTML parser.
 * Only for the server's own static files: their scripts are the site's, not visitors' input.
 */
export function inlineScriptTexts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (!/\ssrc\s*=/i.test(` ${m[1] ?? ''}`)) out.push((m[2] ?? '').replace(/\r\n?/g, '\n'));
  }
  return out;
}

/** The video players the widget's click-to-load embed opens. */
export const VIDEO_FRAME_ORIGINS: readonly string[] = Object.freeze(['https://www.youtube-nocookie.com', 'https://player.vimeo.com']);

/** Trusted Types policies the widget creates (Lit's and the sanitizer's), and the README's after-load snippet. */
export const TRUSTED_TYPES_POLICIES: readonly string[] = Object.freeze(['lit-html', 'indigo-chat-html', 'indigo-chat-loader']);

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:]+\](?::\d{1,5})?$/i;

function origins(list: readonly string[] | undefined): string[] {
  // Only exact origins: anything else (a space, a `;`) could inject a directive.
  return (list ?? []).filter((o) => typeof o === 'string' && ORIGIN.test(o));
}

/** The Content-Security-Policy value. */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const media = ["'self'", ...(options.mediaOrigins ? origins(options.mediaOrigins) : ['https:'])].join(' ');
  const frameAncestors = options.frameAncestors && /^[a-z0-9'.:/ *-]+$/i.test(options.frameAncestors) ? options.frameAncestors : "'self'";
  return [
    "default-src 'self'",
    ["script-src 'self'", ...(options.scriptHashes ?? []).filter((h) => HASH_SOURCE.test(h))].join(' '),
    "style-src 'self'",
    `img-src ${media}`,
    `media-src ${media}`,
    `frame-src ${VIDEO_FRAME_ORIGINS.join(' ')}`,
    `connect-src ${["'self'", ...origins(options.connectOrigins)].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
    ...(options.trustedTypes ? ["require-trusted-types-for 'script'", `trusted-types ${TRUSTED_TYPES_POLICIES.join(' ')}`] : []),
  ].join('; ');
}

/**
 * Browser features the pages never need are switched off; the microphone and geolocation
 * stay available to the page itself (voice input, location blocks ask the visitor first).
 */
export const PERMISSIONS_POLICY =
  'accelerometer=(), camera=(), display-capture=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(self), midi=(), payment=(), usb=()';

/** Every header for an HTML page (and harmless on its assets). */
export function securityHeaders(options: CspOptions = {}): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(options),
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': PERMISSIONS_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    // No DNS lookups for link hosts before a click (a hostname can carry data too).
    'x-dns-prefetch-control': 'off',
  };
}
