/**
 * Classifies an already policy-checked (https) video URL into how we can show it.
 * Embeds are built from pieces we extract with strict patterns (the id, a YouTube start
 * time re-emitted as whole seconds, an unlisted Vimeo video's hex hash), never from the
 * bot's URL itself, so nothing else reaches the iframe's src.
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
/** 11 characters like an id, but YouTube's playlist and channel-live players: never an id. */
const YT_NOT_IDS = new Set(['videoseries', 'live_stream']);
/** `t=42`, `t=42s`, `t=1m30s`, `t=1h2m3s`, `start=42`: a start time we re-emit as whole seconds. */
const YT_TIME = /^(?:(\d{1,7})|(?:(\d{1,4})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?)$/;
const VIMEO_ID = /^\d{1,12}$/;
/** An unlisted Vimeo video's privacy hash (`?h=` or the path's last segment). */
const VIMEO_HASH = /^[0-9a-f]{1,64}$/;
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
  // /embed/videoseries?list= and /embed/live_stream?channel= are a playlist and a channel's
  // live player, not videos: they stay links to the bot's URL (see classifyVideo).
  return candidate && YT_ID.test(candidate) && !YT_NOT_IDS.has(candidate) ? candidate : null;
}

/** The start time in whole seconds (`start=` as embeds write it, else `t=`), or null. */
function youtubeStart(url: URL): number | null {
  const raw = url.searchParams.get('start') ?? url.searchParams.get('t');
  const m = raw ? YT_TIME.exec(raw) : null;
  if (!m) return null;
  const [, plain, h, min, sec] = m;
  const seconds = plain !== undefined ? Number(plain) : Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(sec ?? 0);
  return seconds > 0 ? seconds : null;
}

/**
 * vimeo.com/<id>, vimeo.com/<id>/<hash>, vimeo.com/channels/<name>/<id>,
 * vimeo.com/groups/<name>/videos/<id> and player.vimeo.com/video/<id>; every other path
 * (a showcase, album, event, numeric channel...) holds other videos: a link, never an embed.
 */
function vimeoVideo(url: URL): { id: string; hash: string | null } | null {
  const host = url.hostname.toLowerCase();
  if (!VIMEO_HOSTS.has(host)) return null;
  const s = url.pathname.split('/').filter(Boolean);
  let id: string | undefined;
  let pathHash: string | undefined;
  if (host === 'player.vimeo.com') {
    if (s.length === 2 && s[0] === 'video') id = s[1];
  } else if (s.length === 1 || (s.length === 2 && VIMEO_ID.test(s[0]!))) {
    [id, pathHash] = s;
  } else if (s.length === 3 && s[0] === 'channels') {
    id = s[2];
  } else if (s.length === 4 && s[0] === 'groups' && s[2] === 'videos') {
    id = s[3];
  }
  if (!id || !VIMEO_ID.test(id)) return null;
  if (pathHash !== undefined && !VIMEO_HASH.test(pathHash)) return null;
  const queryHash = url.searchParams.get('h');
  const hash = pathHash ?? (queryHash && VIMEO_HASH.test(queryHash) ? queryHash : null);
  return { id, hash };
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
    const start = youtubeStart(url);
    return {
      kind: 'embed',
      provider: 'YouTube',
      id: yt,
      embedSrc: `https://www.youtube-nocookie.com/embed/${yt}?autoplay=1${start ? `&start=${start}` : ''}`,
      pageUrl: `https://www.youtube.com/watch?v=${yt}${start ? `&t=${start}s` : ''}`,
    };
  }
  const vimeo = vimeoVideo(url);
  if (vimeo) {
    const { id, hash } = vimeo;
    return {
      kind: 'embed',
      provider: 'Vimeo',
      id,
      embedSrc: `https://player.vimeo.com/video/${id}?${hash ? `h=${hash}&` : ''}autoplay=1&dnt=1`,
      pageUrl: `https://vimeo.com/${id}${hash ? `/${hash}` : ''}`,
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
  // playable file (a web page, a dead link), video.ts replaces the failed element with a
  // link to the URL.
  return { kind: 'file', src: safeHref, extension: FILE_EXT.exec(url.pathname)?.[1]?.toLowerCase() ?? null };
}
