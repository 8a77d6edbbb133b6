import { describe, expect, it } from 'vitest';
import { toSegments } from './platform-content.js';

describe('toSegments (fourth review)', () => {
  it('keeps an image it cannot show in place, after the text before it', () => {
    const content = {
      messages: [
        {
          messages: [
            { type: 'text', data: { text: 'Here is the photo:' } },
            { type: 'image', data: {} },
            { type: 'text', data: { text: 'Anything else?' } },
          ],
        },
      ],
    };
    const kinds = toSegments('m1', content, 0).map((s) =>
      s.kind === 'unknown' ? `unknown:${s.type}` : s.message.blocks.map((b) => (b.kind === 'text' ? b.html : b.kind)).join('|'),
    );
    expect(kinds).toEqual(['Here is the photo:', 'unknown:image', 'Anything else?']);
  });
});
