// Shared by the media-gate browser tests: hostile HTML vectors and a request monitor.
import { waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';

export { ALLOWED, ATTACKER, PNG, VECTORS } from './hostile-html.test-helper.js';
import { ALLOWED, ATTACKER, PNG } from './hostile-html.test-helper.js';

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

