import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtWidgetCode, WIDGET_DIST } from './built-widget.test-helper.js';
// @ts-expect-error -- a build script in plain JavaScript, without types
import { cssFromString, minifyCssText, privatePropertyNames, shortenPrivateProperties } from '../../scripts/minify-templates.js';

const minify = minifyCssText as (text: string) => string;
const fromString = cssFromString as (raw: string, names: Map<string, string>) => string;

describe('minifyCssText', () => {
  it('keeps large integers lightningcss would round in a var() fallback or custom property', () => {
    expect(minify(':host { z-index: var(--indigo-chat-z-index, 2147483000); --_z: 1234567; }')).toBe(
      ':host{z-index:var(--indigo-chat-z-index,2147483000);--_z:1234567}',
    );
  });

  it('keeps a fallback declaration the browser floor needs (Chrome 93-107 and Safari 15.4 have no dvh)', () => {
    expect(minify('.p { max-height: calc(100vh - 110px); max-height: calc(100dvh - 110px); }')).toBe(
      '.p{max-height:calc(100vh - 110px);max-height:calc(100dvh - 110px)}',
    );
    // Range media queries came in Safari 16.4: written as min/max for the floor.
    expect(minify('@media (width <= 52rem) { .a { color: red } }')).toBe('@media (max-width:52rem){.a{color:red}}');
  });

  it('minifies the rest as before', () => {
    expect(minify('.a {\n  opacity: 0.50;\n  z-index: 2;\n}\n')).toBe('.a{opacity:.5;z-index:2}');
  });
});

describe('a css template in the build', () => {
  it("becomes Lit's unsafeCSS of its minified text, private names shortened, as a string literal", () => {
    const out = fromString(
      '\n  :host {\n    --_text: #111;\n    font-family: "Segoe UI", sans-serif;\n  }\n  p { color: var(--_text); }\n',
      new Map([['--_text', '--_1']]),
    );
    expect(out).toBe('__indigoCss(":host{--_1:#111;font-family:Segoe UI,sans-serif}p{color:var(--_1)}")');
    // A quote in the CSS stays a valid string literal.
    expect(fromString('p::before { content: "\u00ab"; }', new Map())).toBe(`__indigoCss(${JSON.stringify('p:before{content:"\u00ab"}')})`);
  });
});

describe('private custom properties', () => {
  const mod: {
    privatePropertyNames: (files: string[]) => Map<string, string>;
    shortenPrivateProperties: (css: string, names: Map<string, string>) => string;
  } = { privatePropertyNames, shortenPrivateProperties };
  const names = new Map([
    ['--_on-accent', '--_0'],
    ['--_text', '--_1'],
  ]);

  it('renames each whole private name, leaving the public and unknown ones', () => {
    expect(
      mod.shortenPrivateProperties(
        ':host{--_text:var(--indigo-chat-text,#111);--_on-accent:#fff;--_on:1}p{color:var(--_text);background:var(--_on-accent)}',
        names,
      ),
    ).toBe(':host{--_1:var(--indigo-chat-text,#111);--_0:#fff;--_on:1}p{color:var(--_1);background:var(--_0)}');
  });

  it("numbers the components' names in sorted order, none of them a letter name like the loader shell's --_a", () => {
    const found = mod.privatePropertyNames([resolve(import.meta.dirname, '../../src/components/indigo-chat/indigo-chat.styles.ts')]);
    expect(found.get('--_accent')).toBe('--_0');
    expect([...found.keys()]).toEqual([...found.keys()].sort());
    for (const short of found.values()) expect(short).toMatch(/^--_\d+$/);
  });
});

describe('the built widget', () => {
  it.skipIf(!existsSync(WIDGET_DIST))('keeps the public --indigo-chat-* properties and leaves no long private name behind', () => {
    const code = builtWidgetCode();
    expect(code).toContain('--indigo-chat-accent');
    expect(code).toContain('--indigo-chat-z-index');
    expect(code.match(/--_[a-zA-Z][\w-]*/g) ?? []).toEqual([]);
  });

  it.skipIf(!existsSync(WIDGET_DIST))("keeps the panel's 100vh line before its dvh one", () => {
    // lightningcss may move other declarations between them; the order of the two stays.
    expect(builtWidgetCode()).toMatch(/max-height:calc\(100vh - 110px\);[^}]*max-height:calc\(100dvh - 110px\)/);
  });

  it.skipIf(!existsSync(WIDGET_DIST))('has no Lit css tag left: every stylesheet is a string to unsafeCSS', () => {
    const code = builtWidgetCode();
    expect(code.includes("Value passed to 'css' function")).toBe(false);
    expect(code.includes('--indigo-chat-accent')).toBe(true);
  });
});
