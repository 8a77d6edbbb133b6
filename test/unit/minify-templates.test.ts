import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a build script in plain JavaScript, without types
import { minifyCssText, privatePropertyNames, shortenPrivateProperties } from '../../scripts/minify-templates.js';

const minify = minifyCssText as (text: string) => string;

describe('minifyCssText', () => {
  it('keeps large integers lightningcss would round in a var() fallback or custom property', () => {
    expect(minify(':host { z-index: var(--indigo-chat-z-index, 2147483000); --_z: 1234567; }')).toBe(
      ':host{z-index:var(--indigo-chat-z-index,2147483000);--_z:1234567}',
    );
  });

  it('minifies the rest as before', () => {
    expect(minify('.a {\n  opacity: 0.50;\n  z-index: 2;\n}\n')).toBe('.a{opacity:.5;z-index:2}');
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
  const dist = resolve(import.meta.dirname, '../../dist/indigo-chat');
  it.skipIf(!existsSync(dist))('keeps the public --indigo-chat-* properties and leaves no long private name behind', () => {
    const code = readdirSync(dist)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(resolve(dist, f), 'utf8'))
      .join('\n');
    expect(code).toContain('--indigo-chat-accent');
    expect(code).toContain('--indigo-chat-z-index');
    expect(code.match(/--_[a-zA-Z][\w-]*/g) ?? []).toEqual([]);
  });
});
