// The widget build mangles TypeScript-private member names (scripts/private-names.js,
// scripts/browser-plugins.js). A public name (attribute, property, method, event, part),
// a wire or saved key must never be among them: this fails if one ever is.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtWidgetCode, WIDGET_DIST } from './built-widget.test-helper.js';
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
  // The browser classes write their internal members as ES #private (the minifier mangles
  // those itself: docs/decisions/es-private-members.md), so the sources may hold no
  // TS-private name to mangle: the selection is checked on a small source tree of its own.
  it('are TypeScript-private members of the browser bundle used for nothing else', () => {
    const fixture = mkdtempSync(join(tmpdir(), 'private-names-'));
    try {
      const write = (file: string, text: string) => {
        mkdirSync(dirname(join(fixture, file)), { recursive: true });
        writeFileSync(join(fixture, file), text);
      };
      for (const d of ['bench', 'demo']) mkdirSync(join(fixture, d));
      symlinkSync(resolve(root, 'node_modules'), join(fixture, 'node_modules'), 'dir');
      write(
        'src/components/widget.ts',
        `export class Widget {
          private pendingFrame = 0;
          private sharedName = 1;
          private quotedName = 2;
          private pokedName = 3;
          private ab = 4;
          private scheduleCommit(): void { this.pendingFrame += this.sharedName + this.quotedName + this.pokedName + this.ab; }
          private get shownCount(): number { return this.pendingFrame; }
          send(): void { this.scheduleCommit(); }
        }
        export const key = 'quotedName';`,
      );
      write('src/controllers/other.ts', 'export class Other { sharedName = 2; }');
      write('src/relay/server.ts', 'export class Server { private relayOnly = 1; }');
      write('test/e2e/widget.e2e.test.ts', 'el.pokedName = 1;');
      expect((mangleableNames as (root: string) => { names: string[] })(fixture).names).toEqual([
        'pendingFrame',
        'scheduleCommit',
        'shownCount',
      ]);
    } finally {
      rmSync(fixture, { recursive: true, force: true });
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

  it.skipIf(!existsSync(WIDGET_DIST))('are gone from the built widget, where the public names stay', () => {
    const code = builtWidgetCode();
    expect(names.filter((n) => new RegExp(`\\.${n}\\b`).test(code))).toEqual([]);
    for (const n of ['mediaOrigins', 'deltaUnit', 'generationId', 'conversation', 'requestUpdate']) expect(code).toContain(`.${n}`);
  });
});
