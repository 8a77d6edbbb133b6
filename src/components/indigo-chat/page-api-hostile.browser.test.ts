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

/** Everything that escapes: window errors and unhandled rejections, while `run` runs. */
async function escaped(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onError = (e: ErrorEvent) => seen.push(`error: ${e.message}`);
  const onRejection = (e: PromiseRejectionEvent) => seen.push(`rejection: ${String(e.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  try {
    await run();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return seen;
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
    for (const name of PROPERTIES) {
      const original = bag[name];
      for (const value of WRONG) {
        const label = `${name} = ${typeof value === 'string' ? `"${value.slice(0, 8)}"(${value.length})` : String(value)}`;
        const seen = await escaped(async () => {
          try {
            bag[name] = value;
            await el.updateComplete;
          } catch (e) {
            failures.push(`${label}: threw ${String(e)}`);
          }
        });
        for (const s of seen) failures.push(`${label}: ${s}`);
        if (!botMessages(el).some((m) => m.textContent.includes('Welcome, hostile page')))
          failures.push(`${label}: the welcome disappeared`);
      }
      bag[name] = original;
      await el.updateComplete.catch(() => {});
    }
    expect(failures).to.deep.equal([]);
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
