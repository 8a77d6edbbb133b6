// The size gate (issue 11): the one performance figure safe to test. Runs over the built
// files (`npm test` builds before the e2e suite), gzip per file as served.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUDGETS, measureBundles } from '../../scripts/size.js';
import { sourceOf } from '../unit/built-widget.test-helper.js';

const dist = resolve(import.meta.dirname, '../../dist');

const m = measureBundles();

/**
 * The full widget is over the 40 KB: 78.5 KB gzip with every feature of
 * 2026-11-29 merged (56.1 KB before the extension blocks, visitor, feedback and privacy
 * features; Lit + DOMPurify alone are ~19.5 KB, see
 * docs/decisions/launcher-first-loading.md), 69.0 KB since bot HTML is sanitized by the
 * browser's HTML Sanitizer API where it exists and DOMPurify is fetched only elsewhere
 * (docs/decisions/native-sanitizer.md), 55.9 KB (67.5 KB with the fallback) once rarely
 * used UI loads on demand (docs/decisions/open-time-bytes.md), 52.4 KB (63.9 KB) once the
 * saved-conversation format, rarely shown strings and feedback work load on demand and the
 * browser gets an SSE-only decoder (persistence-off-the-open-path.md, open-path-ui-trim.md,
 * browser-sse-decoder.md); +0.25 KB for the streaming view reading only the tail of a long
 * answer (docs/performance.md, step 3); +0.17 KB for a visitor review's fixes (focus kept
 * off <body>, errors said by the live region, localized cut-answer text, long labels
 * wrapping, forced-colors borders, the send arrow mirrored right to left); +0.25 KB for
 * the relay's Retry-After said as "try again in 30 seconds" in the visitor's language
 * (sixth session: transport, reducer notice code, en/it strings); +0.2 KB for the composer's
 * character count (its length check, aria bindings and refusal; the count itself is a lazy
 * chunk: docs/decisions/composer-limit.md); +0.24 KB from the sixth session's reviews and
 * fixes (platforms: a new sender's conversation starts with the welcome, empty answers
 * dropped, refused profiles quiet; security: clipboard follows the media gate; forced-colors
 * edges, restored videos preload nothing, a malformed stored sender replaced; the streaming
 * view's list/quote/table and between-block text fast paths, +0.11 KB); +0.1 KB for the
 * composer counting against the relay's announced limit (composer-limit.md) and static
 * class members as getters for Safari 15.4-16.3 (docs/decisions/browser-floor.md); +0.14 KB
 * on the first load (so here too) for the launcher pulsing while the widget loads and
 * marking a failed load; then -1.1 KB (53.1 KB, 64.5 KB with DOMPurify) from a second
 * minify pass, short private CSS names and ES #private members (second-minify-pass.md,
 * es-private-members.md); +0.31 KB on the first load (so here too) for the launcher's failure
 * said in words to screen readers in its seven languages (launcher-first-loading.md), +0.16 KB
 * for color-mix() fallbacks at the browser floor (browser-floor.md), text on the accent
 * following the element's contrast rule in the blocks, and the third accessibility review's
 * fixes (an inline welcome not said at page load, the CSAT question said when asked;
 * focus-and-status-announcements.md); then -0.8 KB (52.9 KB, 64.5 KB with DOMPurify) from
 * DOMPurify's configuration in its own chunk, css templates as unsafeCSS strings and Lit's
 * unused parts cut at build time (open-path-ui-trim.md), +0.16 KB for forced colors, the
 * phone review (safe areas, the keyboard's offset) and the hostile-input fixes
 * (phone-review.md, adversarial-input.md): 53.0 KB, 64.6 KB; +0.39 KB for the streaming view
 * patching the live tail instead of replacing it and following clicked image stand-ins
 * (streaming-tail-patch.md): 53.6 KB, 65.1 KB; +0.06 KB for paced streaming work in a task after
 * the frame, which cut the 4x-throttle long tasks ~4x (commit-after-the-frame.md); +0.02 KB on
 * the first load (so here too) for the loader's compile hint (loader-compile-hint.md); +0.1 KB
 * for the widget entry's compile hint and the full date built at idle, never in a render, which
 * took ~15-20 ms of main thread off opening at 1x and ~70-100 ms at 4x
 * (widget-compile-hint.md): 53.7 KB, 65.3 KB; +0.05 KB for an is_generated answer compared
 * with its character references decoded (else shown twice), the decoder moved from the
 * sanitizer's fallback into src/core/char-refs.ts to be shared; +0.04 KB for a generation a cap
 * refused a chunk of ignoring its later deltas (they were applied to a text the platform no
 * longer had); +0.02 KB for the segment scanner ending a tag where the HTML tokenizer does (a
 * quote opens a value only after an attribute's `=`); +0.01 KB for `.localdomain` and 6to4 hosts
 * refused like the local names and addresses they are (security.md); +0.02 KB for votes stored
 * only with consent and by the key's owner, and a teaser's welcome not counted as the visitor
 * acting (nothing-before-the-visitor-acts.md): 53.9 KB, 65.4 KB; +0.18 KB for an idle tab
 * taking another tab's further save of the conversation (the `storage` listener and the
 * element's take; the decision itself is in the lazy persist-codec chunk), which its next
 * save wrote over before (two-tabs-one-conversation.md): 54.1 KB, 65.6 KB; +0.07 KB (0.01 on the
 * first load) for enumerated attributes read as HTML reads them (`consent="Required"` turned
 * consent off, `storage="None"` stored): 54.1 KB, 65.7 KB; +0.02 KB for the teaser and the
 * microphone starting nothing for an element removed while their code loaded; +0.03 KB for
 * one map link (`mapUrl()` moved to render-blocks.ts: the location block, its fallback while
 * that loads, which built another URL, and the transcript file share it): 54.2 KB, 65.7 KB;
 * +0.13 KB for the live region inside an open modal panel (on phones and in fullscreen
 * nothing was said to screen readers: the region beside the dialog was inert), nothing said
 * lost (repeats, joint announcements, offline beside an error), a moved modal made modal
 * again and the jump button re-checked (focus-and-status-announcements.md): 54.3 KB, 65.9 KB;
 * +0.01 KB for the CSAT idle timer cancelled by an answer on its way (it asked mid-answer)
 * and a second chat on a key not reading the first one's feedback: 54.3 KB, 65.9 KB;
 * +0.09 KB for the reader's scroll kept when its event comes late (a busy main thread, or a
 * resize followed first): the reader's input counts for two frames as well as 700 ms
 * (auto-scroll-controller.ts): 54.4 KB, 66.0 KB; +0.02 KB for a message queued behind the
 * answer on its way said aloud ('Waiting to send', as its bubble shows): 54.4 KB, 66.0 KB;
 * +0.02 KB for a tab that follows the new conversation another tab started re-reading its
 * thumbs and CSAT (the old conversation's answered CSAT was never asked in the new one; the
 * cross-tab vote sync itself is in the lazy feedback chunk): 54.4 KB, 66.0 KB; +0.11 KB for
 * a part or language pack whose import failed (offline, a CDN hiccup) fetched again when the
 * chat opens and when the connection comes back, its fallback replaced by the content (it
 * stayed a fallback, or English, until a reload; open-time-bytes.md): 54.6 KB, 66.1 KB.
 * +0.01 KB for a fallback waiting for its module once, not once per render: 54.6 KB, 66.1 KB.
 * +0.05 KB for answers shown as plain text while the DOMPurify fallback was missing formatted once it loads (they stayed plain text; native-sanitizer.md): 54.6 KB, 66.2 KB.
 * +0.09 KB for votes a closed page could not deliver sent when the chat shows again (after a restart and a reload they waited until the visitor wrote, which alone loads the feedback chunk): 54.7 KB, 66.3 KB.
 * +0.07 KB for an answer that goes on when the page moves the element (it was cut off, and what the visitor queued behind it was never sent), a removed element sending nothing, and delta-unit read for the first conversation (the constructor saw the default; utf16 answers were garbled until a restart): 54.8 KB, 66.3 KB.
 * +0.07 KB for a degraded generation replaced only by the answer repeated (any is_generated text of the turn took its place: what was shown vanished; is-generated-replaces-degraded.md): 54.8 KB, 66.4 KB.
 * +0.10 KB (0.02 on the first load) for show() before the first render announced and focused like any show(), the character count styled in a second chat on the page, an unknown mode read as the launcher (an open panel nobody could close), and <indigo-chat open> loaded and shown by the loader: 54.9 KB, 66.5 KB.
 * +0.08 KB for what the next page gets back (a chat removed mid-answer no longer keeps its key from the chat mounted in its place, a message waiting behind an answer saved in the draft, the launcher's state written on its own before a conversation the quota refuses, a panel the page closed not reopened for its teaser): 55.0 KB, 66.6 KB.
 * +0.26 KB (0.18 of it the loader's, on the first load too) for what a review of the embed paths and the visitor's text found: the launcher shell in the widget's corner for `position` in any case, one launcher per element when `/lazy` and the script tag share a page, the shell's <style> carrying the page's nonce (Safari 15.4-16.3 under a strict style-src), the widget fetched before it is imported in Firefox (one failed load made every later click fail), and the bot's labels, card titles, the teaser and queued messages keeping their own direction (dir="auto"): 55.3 KB, 66.9 KB.
 * +0.23 KB for an element given another `id` or `relay` once connected (a framework reusing it across routes): it saved the conversation it showed over the new key's and restored nothing; now the shown one is saved under its own key and ends, and the new key's is restored or started (another-id-or-relay.md): 55.5 KB, 67.1 KB.
 * +0.12 KB (0.01 on the first load) for Escape on the launcher closing the open panel (it did nothing there), the composer taking the direction of what the visitor writes (dir="auto" once it has text), `storage` changed on a live element moving what is kept (a switch to `none` left the conversation on the device) and the launcher shell saying which language its words are in: 55.6 KB, 67.2 KB.
 * +0.32 KB, all of it the loader's (on the first load too: 5.0 KB), for the script tag on a page with `<indigo-chat>` in its markup: an inline one loads the widget at once (it stayed an empty box until the tag's launcher was opened) and a launcher the page wrote is the one the tag drives, not a second one in the same corner (script-tag-and-markup.md): 55.9 KB, 67.5 KB.
 * +0.09 KB (0.05 on the first load) from the review of those two: calls queued before the loader attaches (the after-load snippet's queue) wait for it, so they reach the page's launcher rather than launching a second one, and it attaches once the markup is parsed; a move of `storage` never removes a copy this page cannot write again; Escape on a closed launcher left to the page on phones; the composer's dir="auto" from the first letter, not a digit: 56.0 KB, 67.6 KB.
 * +0.09 KB, all of it the loader's (on the first load too: 5.1 KB), for the script tag on a single-page app: a launcher a route adds takes the place of the tag's own while that is only the shell (two launchers stood in one corner), the next route's launcher takes the place of the one it replaces, and a route without one brings the tag's own back (script-tag-and-markup.md): 56.1 KB, 67.7 KB.
 * +0.05 KB, all of it the loader's (5.2 KB), for the launcher shell saying its name, unread count and failure in the element's `lang` when the page changes it before the widget loads (it kept the first language; launcher-first-loading.md): 56.2 KB, 67.7 KB.
 * +0.11 KB, all of it the loader's (5.3 KB), from the review of the single-page-app handover: calls waiting for a launcher a route removes go to the one that takes its place, also when the app calls in the same task (they were lost), the tag's own launcher comes back when the page removes it too, a launch whose widget failed to load is not handed over with calls waiting, and a launcher back in the page reads its saved badge (script-tag-and-markup.md): 56.3 KB, 67.8 KB.
 * +0.09 KB, all of it the loader's (5.4 KB), from a second review of that handover: a close made before anything loaded handed over once (it closed every later route's panel), close() and toggle() reaching an element the browser upgraded, the tag's data-* as made filled in (not the live element's `open`), the tag's own not flashing in the corner during an out-in route transition, and a launcher in a detached shadow root still reading its badge: 56.4 KB, 67.9 KB.
 * +0.04 KB, all of it the loader's (5.4 KB), for `IndigoChat.watch(shadowRoot)`: the script tag's elements in a shadow root of the page's (web components) were never seen (an inline chat there stayed an empty box; script-tag-and-markup.md): 56.4 KB, 68.0 KB.
 * +0.35 KB for a consent withdrawal that holds in every tab: the site's other open tabs holding the conversation switch `storage` too (one BroadcastChannel per page, what it heard kept for elements out of the page), so none writes back what the visitor removed, and the votes and the teaser's day kept beside the conversation move or are removed with it (they stayed): 56.7 KB, 68.3 KB (the loader's drive() took 0.01 KB off before).
 * +0.11 KB for a generation whose chunks came without deltas: degraded at its end however it ends, its text shown plain (it was an empty bubble), and an is_generated text before its end taking its place (docs/decisions/is-generated-replaces-degraded.md): 56.9 KB, 68.4 KB.
 * +0.14 KB from audits against protocol.md and a load flake: a welcome cut after its first chunk offering its retry (hidden; it had none), an is_generated text replacing an emoji-only generation only when it repeats it (any text did), a generation degraded with empty chunk texts keeping what it showed (it went blank), one without deltas kept to maxMessageChars, and a save waiting for its code written once however late idle time comes (2-3 writes): 57.0 KB, 68.6 KB.
 * +0.08 KB from an accessibility audit: the header's buttons ring in the header's text colour when focused (the accent ring on the accent header was invisible, WCAG 2.4.7), and the consent notice's fallback (its chunk failed) names its group and buttons in the chat's language (they were English): 57.1 KB, 68.7 KB.
 * Until it is under, these ceilings keep it
 * from growing: new features go behind import(); lower them when it shrinks, raise them
 * only with a reason in the commit.
 */
const FULL_WIDGET_CEILING_GZIP = 57_090;
/** The same widget where the browser lacks the Sanitizer API (WebKit/Safari): + the DOMPurify chunk. */
const FULL_WIDGET_FALLBACK_CEILING_GZIP = 68_660;

describe('bundle size (gzip)', () => {
  it(`first load (the script tag's loader) <= ${BUDGETS.firstLoadGzip} B`, () => {
    expect(m.firstLoad.gzip).toBeGreaterThan(0);
    expect(m.firstLoad.gzip).toBeLessThanOrEqual(BUDGETS.firstLoadGzip);
  });

  it(`full widget (loader + what opening fetches) <= ${FULL_WIDGET_CEILING_GZIP} B: it must not grow`, () => {
    expect(m.widget.length).toBeGreaterThan(0);
    expect(m.fullWidget.gzip).toBeLessThanOrEqual(FULL_WIDGET_CEILING_GZIP);
  });

  // A known miss, kept visible: passes while the budget is missed, fails (and must be
  // turned into a plain test) the day the widget fits.
  it.fails(`KNOWN MISS (issue 11): full widget <= ${BUDGETS.fullWidgetGzip} B`, () => {
    expect(m.fullWidget.gzip).toBeLessThanOrEqual(BUDGETS.fullWidgetGzip);
  });

  it(`full widget without the native HTML Sanitizer (+ DOMPurify) <= ${FULL_WIDGET_FALLBACK_CEILING_GZIP} B: it must not grow`, () => {
    expect(m.fullWidgetFallback.gzip).toBeLessThanOrEqual(FULL_WIDGET_FALLBACK_CEILING_GZIP);
  });

  it('DOMPurify is in its own chunk, outside what browsers with the native sanitizer fetch', () => {
    const files = (list: { file: string }[]) => list.map((f) => f.file);
    expect(m.fallback.length).toBeGreaterThan(0);
    for (const f of m.fallback) {
      expect(files(m.widget)).not.toContain(f.file);
      expect(files(m.lazy)).not.toContain(f.file);
    }
    // DOMPurify's own code (a config key only it reads) is in the fallback, not the widget.
    const has = (f: { file: string }) => readFileSync(join(dist, f.file), 'utf8').includes('SAFE_FOR_TEMPLATES');
    expect(m.fallback.some(has)).toBe(true);
    expect(m.widget.some(has)).toBe(false);
    expect(m.fullWidgetFallback.gzip).toBeGreaterThan(m.fullWidget.gzip);
  });

  it('lazy chunks are loaded on demand, not before the widget opens', () => {
    for (const f of m.lazy) expect(m.widget.map((w: { file: string }) => w.file)).not.toContain(f.file);
  });
});

describe('the loader as built', () => {
  const loader = join(dist, 'indigo-chat.iife.js');

  // docs/decisions/loader-compile-hint.md: Chromium reads the hint only on the first line.
  it("starts with V8's compile hint, and its source map still leads into the loader's sources", () => {
    const code = readFileSync(loader, 'utf8');
    expect(code.split('\n')[0]).toBe('//# allFunctionsCalledOnLoad');
    expect(sourceOf(loader, 'DOMContentLoaded')).toMatch(/src\/loader\.ts$/);
    expect(sourceOf(loader, '"aria-haspopup"')).toMatch(/src\/loader\/shell\.ts$/);
  });
});

describe('the widget as built', () => {
  // docs/decisions/widget-compile-hint.md: the entry (define, first render: run on open)
  // starts with the hint; the lazy chunks, which hold what a visit may never run, do not.
  it("its entry starts with V8's compile hint, its source map shifted for it; the lazy chunks do not", () => {
    const [entry, ...rest] = m.widget.map((f: { file: string }) => join(dist, f.file));
    expect(entry).toMatch(/\/widget-[^/]+\.js$/);
    expect(readFileSync(entry!, 'utf8').split('\n')[0]).toBe('//# allFunctionsCalledOnLoad');
    expect(sourceOf(entry!, '"indigo-chat-open"')).toMatch(/src\/events\/index\.ts$/);
    expect(sourceOf(entry!, 'part="launcher"')).toMatch(/src\/components\/indigo-chat\/indigo-chat\.ts$/);
    for (const f of [...rest, ...m.lazy.map((l: { file: string }) => join(dist, l.file))])
      expect(readFileSync(f, 'utf8').startsWith('//#'), f).toBe(false);
  });
});
