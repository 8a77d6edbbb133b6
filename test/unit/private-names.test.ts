// The widget build mangles TypeScript-private member names (scripts/private-names.js,
// scripts/browser-plugins.js). A public name (attribute, property, method, event, part),
// a wire or saved key must never be among them: this fails if one ever is.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a build script in plain JavaScript, without types
import { mangleableNames } from '../../scripts/private-names.js';

const root = resolve(import.meta.dirname, '../..');
const { names, regex } = (mangleableNames as (root: string) => { names: string[]; regex: RegExp })(root);

/** Every name the custom-elements manifest describes as public on any class or element. */
function manifestNames(): string[] {
  const manifest = JSON.parse(readFileSync(resolve(root, 'custom-elements.json'), 'utf8')) as {
    modules: { declarations?: { members?: { name: string; privacy?: string }[]; attributes?: { name: string; fieldName?: string }[] }[] }[];
  };
  return manifest.modules.flatMap((m) =>
    (m.declarations ?? []).flatMap((d) => [
      ...(d.members ?? []).filter((x) => x.privacy !== 'private').map((x) => x.name),
      ...(d.attributes ?? []).flatMap((a) => [a.name, a.fieldName ?? a.name]),
    ]),
  );
}

describe('mangled private member names', () => {
  it('are TypeScript-private members of the browser bundle, a few dozen of them', () => {
    expect(names.length).toBeGreaterThan(50);
    const sources = ['src/components/indigo-chat/indigo-chat.ts', 'src/html/streaming-html.ts', 'src/controllers/auto-scroll-controller.ts']
      .map((f) => readFileSync(resolve(root, f), 'utf8'))
      .join('\n');
    for (const n of ['onSubmit', 'syncModal', 'scheduleCommit']) {
      expect(names).toContain(n);
      expect(sources).toMatch(new RegExp(`private (readonly )?(async )?(get )?${n}\\b`));
    }
  });

  it('never include a public, wire or saved name', () => {
    const publicNames = [
      // attributes/properties, methods and events of <indigo-chat> (README), internal reactive state
      ...['relay', 'mode', 'open', 'title', 'lang', 'mediaOrigins', 'deltaUnit', 'teaserDelay', 'consent', 'send', 'sendPayload'],
      ...['setProfile', 'restart', 'show', 'hide', 'toggle', 'unread', 'offline', 'announcement', 'consentGiven', 'counted'],
      ...['conversation', 'session', 'transcript', 'eventName', 'detail', 'renderRoot', 'requestUpdate', 'updateComplete'],
      // wire (chunks, sessions) and saved conversation keys
      ...['type', 'kind', 'generationId', 'deltas', 'sender', 'messages', 'blocks', 'status', 'notice', 'warnings'],
      ...['nextId', 'payload', 'label', 'text', 'html', 'markdown', 'at', 'id', 'role', 'draft', 'maxTextChars'],
      ...manifestNames(),
    ];
    for (const n of publicNames) expect(regex.test(n), n).toBe(false);
  });

  const dist = resolve(root, 'dist/indigo-chat');
  it.skipIf(!existsSync(dist))('are gone from the built widget, where the public names stay', () => {
    const code = readdirSync(dist)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(resolve(dist, f), 'utf8'))
      .join('\n');
    expect(names.filter((n) => new RegExp(`\\.${n}\\b`).test(code))).toEqual([]);
    for (const n of ['mediaOrigins', 'deltaUnit', 'generationId', 'conversation', 'requestUpdate']) expect(code).toContain(`.${n}`);
  });
});
