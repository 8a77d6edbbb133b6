import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanSegments } from './segments.js';

const cut = (src: string, final = false): string[] =>
  scanSegments(src, 0, final).segments.map((b) => src.slice(b.start, b.end) + (b.complete ? '' : '…'));

describe('scanSegments', () => {
  it('cuts balanced top-level elements, text runs, comments and void elements', () => {
    expect(cut('<p>a <b>b</b></p>\n<ul><li>x</li></ul>text<!-- c --><hr><img src="x">tail')).to.deep.equal([
      '<p>a <b>b</b></p>',
      '\n',
      '<ul><li>x</li></ul>',
      'text',
      '<!-- c -->',
      '<hr>',
      '<img src="x">',
      'tail…',
    ]);
  });

  it('keeps `>` and `</p>` inside quoted attributes in their tag', () => {
    expect(cut('<p title="a > b </p><img onerror=x>">t</p><p>u</p>')).to.deep.equal([
      '<p title="a > b </p><img onerror=x>">t</p>',
      '<p>u</p>',
    ]);
    expect(cut("<p title='</p>'>t</p>")).to.deep.equal(["<p title='</p>'>t</p>"]);
  });

  it("opens a quoted value only right after an attribute's `=`, as the tokenizer: elsewhere a quote is a character and the first `>` ends the tag", () => {
    // In an unquoted value `="` is part of the value (the parser reads alt="x=&quot;").
    expect(cut('<img alt=x="><div>">text</div>')).to.deep.equal(['<img alt=x=">', '<div>">text</div>']);
    expect(cut('<br title=a="><ul>"><li>one</li></ul>')).to.deep.equal(['<br title=a=">', '<ul>"><li>one</li></ul>']);
    // `=` where a name starts is part of the name, and so is the quote after it.
    expect(cut('<a =">x</a><p>y</p>')).to.deep.equal(['<a =">x</a>', '<p>y</p>']);
    expect(cut("<p a/='x>y'>t</p>")).to.deep.equal(["<p a/='x>y'>t</p>"]);
    // Spaces around `=` and a second attribute still lead into a quoted value.
    expect(cut('<p title = "a>b">t</p><p c d="x>y">u</p>')).to.deep.equal(['<p title = "a>b">t</p>', '<p c d="x>y">u</p>']);
    // While streaming, such a quote no longer holds back what follows.
    expect(cut('<img alt=x="><p>done</p><p>mo')).to.deep.equal(['<img alt=x=">', '<p>done</p>', '<p>mo…']);
  });

  it('treats raw-text element content as text, and comments as opaque', () => {
    expect(cut('<style></p><img></style><p>x</p>')).to.deep.equal(['<style></p><img></style>', '<p>x</p>']);
    expect(cut('<textarea><p></TEXTAREA ><p>x</p>')).to.deep.equal(['<textarea><p></TEXTAREA >', '<p>x</p>']);
    expect(cut('<!-- </p><p> --><p>x</p>')).to.deep.equal(['<!-- </p><p> -->', '<p>x</p>']);
    expect(cut('<pre><code>a &lt; b</code></pre>')).to.deep.equal(['<pre><code>a &lt; b</code></pre>']);
    expect(cut('a < b <p>c</p>')).to.deep.equal(['a < b ', '<p>c</p>']);
  });

  it('makes the rest one segment when the markup is unbalanced', () => {
    expect(cut('<p>a</p><ul><li>x<li>y</ul><p>z</p>')).to.deep.equal(['<p>a</p>', '<ul><li>x<li>y</ul><p>z</p>…']);
    expect(cut('<p>a</p><b><i>x</b>y</i>')).to.deep.equal(['<p>a</p>', '<b><i>x</b>y</i>…']);
    expect(cut('<p>a</p><plaintext></p><p>')).to.deep.equal(['<p>a</p>', '<plaintext></p><p>…']);
    expect(cut('<p>a</p><script>x</p>')).to.deep.equal(['<p>a</p>', '<script>x</p>…']);
  });

  it('stops cutting where an HTML tag breaks out of foreign content (WebKit fuzz counterexample)', () => {
    // The parser leaves <svg> at `<p`: the <p> stays open, `</svg>` is ignored, `</br>` is a <br> inside it.
    expect(cut('<svg><p/></svg></br>', true)).to.deep.equal(['<svg><p/></svg></br>']);
    expect(cut('<svg></svg><p>x</p>')).to.deep.equal(['<svg></svg>', '<p>x</p>']);
    expect(cut('<svg><circle/></svg><p>x</p>')).to.deep.equal(['<svg><circle/></svg><p>x</p>…']);
    expect(cut('<math><mi>x</mi><div>y</div></math><p>z</p>')).to.deep.equal(['<math><mi>x</mi><div>y</div></math><p>z</p>…']);
    expect(cut('<svg></p></svg><p>z</p>')).to.deep.equal(['<svg></p></svg><p>z</p>…']);
  });

  it('handles CDATA in foreign content; elements inside it end the cutting', () => {
    expect(cut('<svg><![CDATA[</svg><img>]]></svg><p>x</p>')).to.deep.equal(['<svg><![CDATA[</svg><img>]]></svg>', '<p>x</p>']);
    expect(cut('<svg><path d="x"/><![CDATA[</svg><img>]]></svg><p>x</p>', true)).to.deep.equal([
      '<svg><path d="x"/><![CDATA[</svg><img>]]></svg><p>x</p>',
    ]);
  });

  it.each([
    ['<p>Hello <stro', '<p>Hello '],
    ['<p>Hello <a href="ht', '<p>Hello '],
    ['<p>Hello <a href="x>y', '<p>Hello '],
    ['<p>Hello </', '<p>Hello '],
    ['<p>Hello </str', '<p>Hello '],
    ['<p>Hello <', '<p>Hello '],
    ['<p>Hello <!-', '<p>Hello '],
    ['<p>Hello <!-- x', '<p>Hello '],
    ['<p>Hello &am', '<p>Hello '],
    ['<p>Hello &#12', '<p>Hello '],
    ['<p>Hello &amp; x', '<p>Hello &amp; x'],
    ['<p>a</p>&', '<p>a</p>'],
  ])('holds back the incomplete tail of %j', (src, visible) => {
    const r = scanSegments(src, 0, false);
    expect(src.slice(0, r.visibleEnd)).toBe(visible);
    // At the end of the generation nothing is held back.
    expect(scanSegments(src, 0, true).visibleEnd).toBe(src.length);
  });

  it('reports the open elements and whether the tail ends in text', () => {
    expect(scanSegments('<p>a <b>bo', 0, false)).toMatchObject({ openStack: ['p', 'b'], endsInText: true });
    expect(scanSegments('<p>a <b>', 0, false)).toMatchObject({ openStack: ['p', 'b'], endsInText: false });
    expect(scanSegments('<p>a</p>tail', 0, false)).toMatchObject({ openStack: [], endsInText: true });
    expect(scanSegments('<p><style>x', 0, false).openStack).toBeNull();
    expect(scanSegments('<svg><text>x', 0, false).openStack).toBeNull();
  });

  it('is consistent: segments tile the visible text, and rescanning from any segment boundary gives the same segments (fuzz)', () => {
    const piece = fc.constantFrom(
      '<p>',
      '</p>',
      '<b>',
      '</b>',
      '<ul>',
      '<li>',
      '</li>',
      '</ul>',
      'text',
      ' ',
      '\n',
      '<br>',
      '<img src="a>b">',
      '<!--',
      '-->',
      '<style>',
      '</style>',
      '<svg>',
      '</svg>',
      '<path/>',
      '"',
      "'",
      '>',
      '<',
      '&amp;',
      '&',
      '</',
      '<a href=x>',
      '</a>',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.boolean(), (parts, final) => {
        const src = parts.join('');
        const r = scanSegments(src, 0, final);
        let pos = 0;
        for (const b of r.segments) {
          expect(b.start).toBe(pos);
          expect(b.end).toBeGreaterThan(b.start);
          pos = b.end;
        }
        expect(pos).toBe(r.visibleEnd);
        r.segments.forEach((b, k) => {
          if (!b.complete) return;
          const again = scanSegments(src, b.end, final);
          expect(again.segments).toEqual(r.segments.slice(k + 1));
          // A segment closed by its own markup keeps its extent whatever is appended after it
          // (the last segment of a final scan is complete only because the text ended).
          if (final && k === r.segments.length - 1) return;
          const longer = scanSegments(src + '<p>more</p>', 0, final);
          expect(longer.segments[k]).toEqual(b);
        });
      }),
      { numRuns: 2000 },
    );
  });
});
