import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a build script in plain JavaScript, without types
import { minifyCssText } from '../../scripts/minify-templates.js';

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
