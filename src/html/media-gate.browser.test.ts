// The on-render media gate (media-gate.ts), in a real browser with a request monitor: a
// service worker (msw) sees every request the page makes and answers the "attacker" and
// "allowed" hosts itself, so nothing leaves 127.0.0.1 and every attempt is counted.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import { sanitizeToFragment } from './sanitize.js';
import { StreamingHtmlView } from './streaming-html.js';
import { ALLOWED, ATTACKER, PNG, VECTORS } from './hostile-html.test-helper.js';
import { sanitizeWith } from './sanitizer-engine.test-helper.js';

// Native where the browser has it; the *.dompurify.browser.test.ts twin forces the fallback.
sanitizeWith('auto');

/** The service-worker request monitor, started once per test file. */
function useRequestMonitor(): { requests: string[]; reset(): void } {
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
function attackerRequests(requests: readonly string[]): string[] {
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
  await waitUntil(() => control.complete && requests.includes(url), 'control image requested and loaded');
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  control.remove();
}

/** Every attribute value in the subtree (our placeholder must not carry the URL). */
function allAttributeText(root: ParentNode): string {
  return Array.from(root.querySelectorAll('*'))
    .flatMap((el) => Array.from(el.attributes, (a) => `${a.name}=${a.value}`))
    .join('\n');
}

describe('media gate: nothing in bot HTML requests an origin nobody allowed', () => {
  const monitor = useRequestMonitor();
  let box: HTMLDivElement;
  beforeEach(() => {
    monitor.reset();
    box = document.createElement('div');
    document.body.append(box);
  });
  afterEach(async () => {
    // Let every image that did load finish, so no late Resource Timing entry leaks into the next test.
    const pending = () =>
      Array.from(box.querySelectorAll('img')).filter((i) => !i.complete || performance.getEntriesByName(i.src).length === 0);
    await waitUntil(() => pending().length === 0, 'images settled').catch(() => {});
    box.remove();
  });

  it('the monitor sees what it must (an ungated image of the attacker is counted)', async () => {
    const img = document.createElement('img');
    img.src = `${ATTACKER}/ungated.png`;
    box.append(img);
    await waitUntil(() => attackerRequests(monitor.requests).length > 0, 'the service worker saw the request');
    // Finish it, so its Resource Timing entry cannot land in the next test.
    await waitUntil(() => img.complete && performance.getEntriesByName(img.src).length > 0, 'loaded');
  });

  for (const vector of VECTORS) {
    it(`${vector.name}: no request on render (sanitizeToFragment)`, async () => {
      box.append(sanitizeToFragment(vector.html, { loadOrigins: [ALLOWED] }));
      await settleWithControl(box, monitor.requests);
      expect(attackerRequests(monitor.requests)).to.deep.equal([]);
      expect(allAttributeText(box)).not.to.contain('attacker');
      const placeholders = box.querySelectorAll('[part="blocked-media"]');
      if (vector.img) expect(placeholders.length).to.be.greaterThan(0);
    });

    it(`${vector.name}: no request on render (live generation, streamed in pieces)`, async () => {
      const view = new StreamingHtmlView(box, { loadOrigins: [ALLOWED], schedule: (cb) => cb() });
      for (let i = 7; i < vector.html.length; i += 7) view.set(vector.html.slice(0, i));
      view.finish(vector.html);
      await settleWithControl(box, monitor.requests);
      expect(attackerRequests(monitor.requests)).to.deep.equal([]);
      expect(allAttributeText(box)).not.to.contain('attacker');
    });
  }

  it('an allowed origin loads at once; the page origin is allowed by default', async () => {
    box.append(sanitizeToFragment(`<p><img src="${ALLOWED}/fine.png" alt="fine"></p>`, { loadOrigins: [ALLOWED] }));
    const img = box.querySelector('img')!;
    expect(img.getAttribute('src')).to.equal(`${ALLOWED}/fine.png`);
    await waitUntil(() => monitor.requests.includes(`${ALLOWED}/fine.png`), 'allowed image requested');
    expect(box.querySelector('[part="blocked-media"]')).to.equal(null);
    // No loadOrigins: the page's own origin only; a foreign https image is held back.
    const held = sanitizeToFragment(`<img src="${ALLOWED}/x.png">`);
    expect(held.querySelector('[part="blocked-media"]')).not.to.equal(null);
  });

  it('`*` lets every origin load (the owner opted out)', async () => {
    box.append(sanitizeToFragment(`<img src="${ATTACKER}/star.png">`, { loadOrigins: ['*'] }));
    await waitUntil(() => attackerRequests(monitor.requests).includes(`${ATTACKER}/star.png`), 'loaded');
    expect(box.querySelector('[part="blocked-media"]')).to.equal(null);
  });

  it('the alt text cannot reorder or hide the host in the placeholder (bidi and control characters dropped)', () => {
    // With U+202E the host after the alt would show reversed ("elpmaxe.rekcatta"), leaving the
    // alt's made-up host the only readable one, on the button that loads the image.
    const alt = 'logo\u201d from shop.example\u202e\u2066\u200f\u0007';
    const fragment = sanitizeToFragment(`<img src="${ATTACKER}/x.png" alt="${alt}">`, {
      loadOrigins: [ALLOWED],
      blockedLabel: (host, a) => `Show image \u201c${a}\u201d from ${host}`,
    });
    const label = fragment.querySelector('[part="blocked-media"] button')!.textContent;
    expect(label).to.equal('Show image \u201clogo\u201d from shop.example\u201d from attacker.example');
  });

  it('the placeholder names the host, is a labelled button, and a click loads exactly that image', async () => {
    box.append(
      sanitizeToFragment(`<p>Chart: <img src="${ATTACKER}/chart.png?d=1" alt="sales chart"></p>`, {
        loadOrigins: [ALLOWED],
        blockedLabel: (host, alt) => `Load ${alt} from ${host}`,
      }),
    );
    const button = box.querySelector<HTMLButtonElement>('[part="blocked-media"] button')!;
    expect(button.type).to.equal('button');
    expect(button.textContent).to.equal('Load sales chart from attacker.example');
    await settleWithControl(box, monitor.requests);
    expect(attackerRequests(monitor.requests)).to.deep.equal([]);
    button.focus();
    button.click();
    const img = box.querySelector('img')!;
    expect(img.getAttribute('src')).to.equal(`${ATTACKER}/chart.png?d=1`);
    expect(img.alt).to.equal('sales chart');
    expect(img.getAttribute('referrerpolicy')).to.equal('no-referrer');
    expect(document.activeElement).to.equal(img);
    await waitUntil(() => img.complete && img.naturalWidth === 1, 'the image loaded after the click');
    expect(attackerRequests(monitor.requests)).to.include(`${ATTACKER}/chart.png?d=1`);
    expect(box.querySelector('[part="blocked-media"]')).to.equal(null);
  });
});
