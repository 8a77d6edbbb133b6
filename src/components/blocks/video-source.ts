/**
 * Classifies an already policy-checked (https) video URL into how we can show it.
 * Embeds are built from an id we extract with a strict pattern, never from the bot's
 * URL itself, so nothing but the id reaches the iframe's src.
 */
export type VideoSource =
  | { readonly kind: 'file'; readonly src: string; readonly extension: string | null }
  | {
      readonly kind: 'embed';
      readonly provider: 'YouTube' | 'Vimeo';
      readonly id: string;
      readonly embedSrc: string;
      readonly pageUrl: string;
    }
  | { readonly kind: 'link'; readonly href: string; readonly provider: string | null };

const YOUTUBE_HOSTS = new Set([
  'youtube.com',
  'www.youtube.com',
  'm.youtube.com',
  'music.youtube.com',
  'youtube-nocookie.com',
  'www.youtube-nocookie.com',
]);
const VIMEO_HOSTS = new Set(['vimeo.com', 'www.vimeo.com', 'player.vimeo.com']);
const YT_ID = /^[A-Za-z0-9_-]{11}$/;
const VIMEO_ID = /^\d{1,12}$/;
const FILE_EXT = /\.(mp4|m4v|webm|ogg|ogv|mov)$/i;

/** Hosts whose URLs are pages, not media files: we can only link to them. */
const LINK_ONLY: readonly [RegExp, string][] = [
  [/(^|\.)wistia\.(com|net)$/, 'Wistia'],
  [/^wi\.st$/, 'Wistia'],
  [/^(drive|docs)\.google\.com$/, 'Google Drive'],
  [/(^|\.)dailymotion\.com$/, 'Dailymotion'],
  [/^dai\.ly$/, 'Dailymotion'],
  [/(^|\.)loom\.com$/, 'Loom'],
  [/(^|\.)facebook\.com$/, 'Facebook'],
  [/(^|\.)instagram\.com$/, 'Instagram'],
  [/(^|\.)tiktok\.com$/, 'TikTok'],
  [/(^|\.)twitch\.tv$/, 'Twitch'],
];

function youtubeId(url: URL): string | null {
  const host = url.hostname.toLowerCase();
  let candidate: string | null | undefined = null;
  if (host === 'youtu.be') {
    candidate = url.pathname.split('/')[1];
  } else if (YOUTUBE_HOSTS.has(host)) {
    const segments = url.pathname.split('/');
    if (url.pathname === '/watch') candidate = url.searchParams.get('v');
    else if (segments[1] === 'shorts' || segments[1] === 'embed' || segments[1] === 'live' || segments[1] === 'v') candidate = segments[2];
  }
  return candidate && YT_ID.test(candidate) ? candidate : null;
}

function vimeoId(url: URL): string | null {
  const host = url.hostname.toLowerCase();
  if (!VIMEO_HOSTS.has(host)) return null;
  const segments = url.pathname.split('/').filter(Boolean);
  // vimeo.com/<id>, vimeo.com/channels/x/<id>, player.vimeo.com/video/<id>
  const candidate = host === 'player.vimeo.com' ? (segments[0] === 'video' ? segments[1] : undefined) : segments.at(-1);
  return candidate && VIMEO_ID.test(candidate) ? candidate : null;
}

export function classifyVideo(safeHref: string): VideoSource {
  let url: URL;
  try {
    url = new URL(safeHref);
  } catch {
    return { kind: 'link', href: safeHref, provider: null };
  }
  const yt = youtubeId(url);
  if (yt) {
    return {
      kind: 'embed',
      provider: 'YouTube',
      id: yt,
      embedSrc: `https://www.youtube-nocookie.com/embed/${yt}?autoplay=1`,
      pageUrl: `https://www.youtube.com/watch?v=${yt}`,
    };
  }
  const vimeo = vimeoId(url);
  if (vimeo) {
    return {
      kind: 'embed',
      provider: 'Vimeo',
      id: vimeo,
      embedSrc: `https://player.vimeo.com/video/${vimeo}?autoplay=1&dnt=1`,
      pageUrl: `https://vimeo.com/${vimeo}`,
    };
  }
  const host = url.hostname.toLowerCase();
  if (YOUTUBE_HOSTS.has(host) || host === 'youtu.be' || VIMEO_HOSTS.has(host)) {
    // A channel or playlist page: not embeddable by id, still worth a link.
    return { kind: 'link', href: safeHref, provider: host.includes('vimeo') ? 'Vimeo' : 'YouTube' };
  }
  for (const [pattern, provider] of LINK_ONLY) {
    if (pattern.test(host)) return { kind: 'link', href: safeHref, provider };
  }
  // Known file extensions and unknown https URLs alike go to <video>: if it is not a
  // playable file, the element shows its fallback link instead.
  return { kind: 'file', src: safeHref, extension: FILE_EXT.exec(url.pathname)?.[1]?.toLowerCase() ?? null };
}
