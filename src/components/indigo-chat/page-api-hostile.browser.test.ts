// The page's side of the contract with wrong types: every public property set to values a
// page script might pass by mistake (null, numbers, objects, arrays, huge strings), and the
// public methods called with them. Nothing may throw out of the element or its render, and
// the conversation on screen stays; the element keeps working afterwards.
// docs/decisions/adversarial-input.md records the pass.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $$, botMessages, useFakeRelays, userMessages, welcomeChunks } from './fake-relay.test-helper.js';

const relays = useFakeRelays('page-api-hostile');

const HUGE = 'x'.repeat(200_000);
const WRONG: readonly unknown[] = [null, undefined, 0, -1, NaN, 42, true, {}, [], ['a', 'b'], { toString: () => 'obj' }, HUGE, '', ' '];

/** Properties a page may set (README's attribute table); `relay` is left pointing at the test's relay. */
const PROPERTIES = [
  'mode',
  'open',
  'consent',
  'title',
  'subtitle',
  'avatar',
  'welcome',
  'source',
  'lang',
  'teaser',
  'teaserDelay',
  'deltaUnit',
  'storage',
  'position',
  'mediaOrigins',
  'csat',
  'consentText',
  'privacyUrl',
  'declineAction',
  'disclosure',
] as const;

/**
 * Everything that escapes (window errors and unhandled rejections) from now until `stop()`,
 * each under the label current when it arrived.
 */
function watchEscapes(): { label: string; readonly seen: string[]; stop(): void } {
  const w = {
    label: '',
    seen: [] as string[],
    stop() {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    },
  };
  const onError = (e: ErrorEvent) => w.seen.push(`${w.label}error: ${e.message}`);
  const onRejection = (e: PromiseRejectionEvent) => w.seen.push(`${w.label}rejection: ${String(e.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  return w;
}

/** A task boundary: rejections left by the microtasks before it are reported by then. */
const nextTask = () => new Promise((r) => setTimeout(r, 0));

/** What escapes while `run` runs, and within the 50 ms after it. */
async function escaped(run: () => Promise<void>): Promise<string[]> {
  const watch = watchEscapes();
  try {
    await run();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    watch.stop();
  }
  return watch.seen;
}

for (const mode of ['inline', 'launcher'] as const) {
  it(`${mode}: every public property set to a wrong type: no throw, the conversation stays, and the element still sends`, async () => {
    const r = relays.relay().queue(welcomeChunks('Welcome, hostile page'));
    const el = await fixture<IndigoChat>(
      html`<indigo-chat
        relay=${r.path}
        id="page-api-hostile-${mode}"
        mode=${mode}
        lang="en"
        storage="none"
        teaser="Hi there"
      ></indigo-chat>`,
    );
    if (mode === 'launcher') el.show();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'the welcome');
    const bag = el as unknown as Record<string, unknown>;
    const failures: string[] = [];
    // Watched for the whole walk, not 50 ms after each of its ~360 assignments: those sleeps
    // alone came to ~18 s of the test's 20 s, and it timed out on loaded cores (Chromium and
    // WebKit, 2026-11-30). A late escape (a failed lazy import) is now caught wherever it lands.
    const watch = watchEscapes();
    try {
      for (const name of PROPERTIES) {
        const original = bag[name];
        for (const value of WRONG) {
          const label = `${name} = ${typeof value === 'string' ? `"${value.slice(0, 8)}"(${value.length})` : String(value)}`;
          watch.label = `${label}: `;
          try {
            bag[name] = value;
            await el.updateComplete;
          } catch (e) {
            failures.push(`${label}: threw ${String(e)}`);
          }
          await nextTask();
          if (!botMessages(el).some((m) => m.textContent.includes('Welcome, hostile page')))
            failures.push(`${label}: the welcome disappeared`);
        }
        watch.label = `${name} put back: `;
        bag[name] = original;
        await el.updateComplete.catch(() => {});
      }
      watch.label = 'after the walk: ';
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      watch.stop();
    }
    expect([...failures, ...watch.seen]).to.deep.equal([]);
    // Put back into a sane state, the element still converses.
    el.setAttribute('mode', mode);
    el.show();
    await el.updateComplete;
    expect(el.send('still here?')).to.equal(true);
    await waitUntil(() => botMessages(el).some((m) => m.textContent.includes('echo still here?')), 'the answer after');
  });
}

it('the public methods called with wrong types: refused with false, nothing sent, nothing thrown, nothing lost', async () => {
  const r = relays.relay().queue(welcomeChunks('Welcome again'));
  const el = await fixture<IndigoChat>(
    html`<indigo-chat relay=${r.path} id="page-api-hostile-2" mode="inline" lang="en" storage="none"></indigo-chat>`,
  );
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'the welcome');
  expect(el.send('hello')).to.equal(true);
  await waitUntil(() => r.sent.length === 2 && el.conversation.transcript.status === 'idle', 'the first answer');
  const api = el as unknown as Record<string, (...args: unknown[]) => unknown>;
  const calls: [string, unknown[]][] = [];
  for (const v of WRONG) {
    if (typeof v !== 'string') calls.push(['send', [v]], ['sendPayload', [v]], ['setProfile', [v]]);
    if (v !== undefined && typeof v !== 'string') calls.push(['sendPayload', ['menu', v]]);
  }
  calls.push(
    ['send', ['   ']],
    ['sendPayload', ['']],
    ['setProfile', [{ a: {}, b: [], c: null }]],
    ['setProfile', [{ __proto__: { x: 'y' } }]],
  );
  const results: string[] = [];
  const seen = await escaped(async () => {
    for (const [method, args] of calls) {
      try {
        const result = api[method]!.apply(el, args);
        if (result !== false)
          results.push(`${method}(${args.map((a) => JSON.stringify(a) ?? String(a)).join(', ')}) returned ${String(result)}`);
      } catch (e) {
        results.push(`${method} threw ${String(e)}`);
      }
    }
    await el.updateComplete;
  });
  expect([...results, ...seen]).to.deep.equal([]);
  expect(r.sent).to.have.length(2);
  expect(el.conversation.transcript.notice).to.equal(null);
  expect(userMessages(el).map((m) => m.textContent.includes('hello'))).to.deep.equal([true]);
  expect($$(el, '[part~="notice"]')).to.have.length(0);
});
