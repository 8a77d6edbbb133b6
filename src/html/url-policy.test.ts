import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_URL_LENGTH, safeUrl, urlAction, type UrlKind } from './url-policy.js';

type Row = readonly [input: unknown, kind: UrlKind, expected: string | null];

const hostile: Row[] = [
  // javascript: in every spelling we know
  ['javascript:alert(1)', 'link', null],
  ['JaVaScRiPt:alert(1)', 'link', null],
  [' javascript:alert(1)', 'link', null],
  ['\tjavascript:alert(1)', 'link', null],
  ['\njavascript:alert(1)', 'link', null],
  ['java\tscript:alert(1)', 'link', null],
  ['java\nscript:alert(1)', 'link', null],
  ['java\u0000script:alert(1)', 'link', null],
  ['\u0001javascript:alert(1)', 'link', null],
  ['&#106;avascript:alert(1)', 'link', null],
  ['&#x6A;avascript:alert(1)', 'link', null],
  ['javascript&colon;alert(1)', 'link', null],
  ['%6Aavascript:alert(1)', 'link', null],
  ['\u200bjavascript:alert(1)', 'link', null],
  ['javascript://example.com/%0Aalert(1)', 'link', null],
  ['vbscript:msgbox(1)', 'link', null],
  // other schemes
  ['data:text/html,<script>alert(1)</script>', 'link', null],
  ['data:image/png;base64,iVBORw0KGgo=', 'media', null],
  ['blob:https://example.com/uuid', 'media', null],
  ['file:///etc/passwd', 'link', null],
  ['ftp://example.com/x', 'link', null],
  ['intent://scan/#Intent;scheme=zxing;end', 'link', null],
  ['chrome://settings', 'link', null],
  ['about:blank', 'link', null],
  ['sms:+391234', 'link', null],
  ['whatsapp://send?text=hi', 'link', null],
  ['ws://example.com/', 'link', null],
  // relative and protocol-relative: never resolved against the page
  ['/relative/path', 'link', null],
  ['relative.html', 'link', null],
  ['//evil.example/x', 'link', null],
  ['\\\\evil.example/x', 'link', null],
  ['?q=1', 'link', null],
  ['#frag', 'link', null],
  ['', 'link', null],
  ['   ', 'link', null],
  // credentials
  ['https://user:pass@example.com/', 'link', null],
  ['https://user@example.com/', 'link', null],
  ['https://example.com@evil.example/', 'link', null],
  // bidi / control anywhere
  ['https://example.com/\u202Etxt.exe', 'link', null],
  ['https://example.com/\u2066x', 'link', null],
  ['https://exa\u200Emple.com/', 'link', null],
  ['https://example.com/\u200F', 'link', null],
  ['https://example.com/a\nb', 'link', null],
  ['https://example.com/\u007f', 'link', null],
  // loopback, private, link-local in every IPv4 spelling
  ['http://127.0.0.1/', 'link', null],
  ['http://127.1/', 'link', null],
  ['http://2130706433/', 'link', null],
  ['http://0x7f.1/', 'link', null],
  ['http://0x7f000001/', 'link', null],
  ['http://0177.0.0.1/', 'link', null],
  ['http://017700000001/', 'link', null],
  ['http://0.0.0.0/', 'link', null],
  ['http://0/', 'link', null],
  ['http://10.1.2.3/', 'link', null],
  ['http://172.16.0.1/', 'link', null],
  ['http://172.31.255.255/', 'link', null],
  ['http://192.168.1.1/', 'link', null],
  ['http://169.254.169.254/latest/meta-data/', 'link', null],
  ['http://100.64.0.1/', 'link', null],
  ['http://224.0.0.1/', 'link', null],
  ['http://255.255.255.255/', 'link', null],
  ['http://127.0.0.1.nip.io.', 'link', 'http://127.0.0.1.nip.io./'], // a public DNS name: DNS is not ours to check
  // IPv6
  ['http://[::1]/', 'link', null],
  ['http://[0:0:0:0:0:0:0:1]/', 'link', null],
  ['http://[::]/', 'link', null],
  ['http://[fe80::1]/', 'link', null],
  ['http://[febf::1]/', 'link', null],
  ['http://[fc00::1]/', 'link', null],
  ['http://[fd12:3456::1]/', 'link', null],
  ['http://[::ffff:127.0.0.1]/', 'link', null],
  ['http://[::ffff:7f00:1]/', 'link', null],
  ['http://[::127.0.0.1]/', 'link', null],
  ['http://[64:ff9b::10.0.0.1]/', 'link', null],
  ['http://[2002:7f00:1::]/', 'link', null], // 6to4 of 127.0.0.1
  ['http://[2002:c0a8:101::1]/', 'link', null], // 6to4 of 192.168.1.1
  ['http://[ff02::1]/', 'link', null],
  // local names
  ['http://localhost/', 'link', null],
  ['http://LOCALHOST:8080/', 'link', null],
  ['http://localhost./', 'link', null],
  ['http://app.localhost/', 'link', null],
  ['http://printer.local/', 'link', null],
  ['http://localhost.localdomain/', 'link', null],
  ['http://intranet/', 'link', null],
  // near-IP spellings the URL parser treats as domain names (fuzz found 127.0.0.1a)
  ['https://127.0.0.1a/', 'link', null],
  ['https://10.0.0.1x/', 'link', null],
  ['https://example.123/', 'link', null],
  ['https://printer.corp1/', 'link', null],
  // media is https only
  ['http://example.com/a.png', 'media', null],
  ['tel:+391234567', 'media', null],
  ['mailto:a@example.com', 'media', null],
  ['https://127.0.0.1/a.png', 'media', null],
  // tel
  ['tel:*123#', 'link', null],
  ['tel:+39 02 1234#5', 'link', null],
  ['tel:1234567890123456', 'link', null],
  ['tel:', 'link', null],
  ['tel:abc', 'link', null],
  ['tel:+39%2002', 'link', null],
  ['tel:+39;ext=1', 'link', null],
  // mailto
  ['mailto:', 'link', null],
  ['mailto:not-an-address', 'link', null],
  ['mailto:a@example.com%0ABcc:victim@example.com', 'link', null],
  ['mailto:"x"<a@example.com>', 'link', null],
  // non-strings
  [null, 'link', null],
  [undefined, 'link', null],
  [42, 'link', null],
  [{ toString: () => 'https://example.com/' }, 'link', null],
  [new URL('https://example.com/'), 'link', null],
  [['https://example.com/'], 'link', null],
];

const valid: Row[] = [
  ['https://example.com', 'link', 'https://example.com/'],
  ['http://[2002:808:808::1]/', 'link', 'http://[2002:808:808::1]/'], // 6to4 of a public address
  ['https://EXAMPLE.com/Path?q=1#h', 'link', 'https://example.com/Path?q=1#h'],
  ['http://example.com/a b', 'link', 'http://example.com/a%20b'],
  ['  https://example.com/x  ', 'link', 'https://example.com/x'],
  ['HTTPS://example.com/', 'link', 'https://example.com/'],
  ['https://8.8.8.8/', 'link', 'https://8.8.8.8/'],
  ['https://172.32.0.1/', 'link', 'https://172.32.0.1/'],
  ['https://[2606:4700:4700::1111]/', 'link', 'https://[2606:4700:4700::1111]/'],
  ['https://münchen.example/', 'link', 'https://xn--mnchen-3ya.example/'],
  ['https://пример.рф/', 'link', 'https://xn--e1afmkfd.xn--p1ai/'],
  ['https://example.com:8443/x', 'link', 'https://example.com:8443/x'],
  ['tel:+39 02 1234 5678', 'link', 'tel:+390212345678'],
  ['TEL:+1 (555) 123-4567', 'link', 'tel:+1(555)123-4567'],
  ['tel:06.1234.5678', 'link', 'tel:06.1234.5678'],
  ['tel:123456789012345', 'link', 'tel:123456789012345'],
  ['mailto:info@example.com', 'link', 'mailto:info@example.com'],
  ['mailto:a@example.com,b@example.org?subject=Ciao%20a%20tutti', 'link', 'mailto:a@example.com,b@example.org?subject=Ciao%20a%20tutti'],
  ['https://cdn.example.com/a.png', 'media', 'https://cdn.example.com/a.png'],
];

describe('safeUrl', () => {
  it.each(hostile)('refuses %j as %s', (input, kind, expected) => {
    expect(safeUrl(input, kind)).toBe(expected);
  });

  it.each(valid)('accepts %j as %s', (input, kind, expected) => {
    expect(safeUrl(input, kind)).toBe(expected);
  });

  it('refuses values over 2048 characters, before or after normalisation', () => {
    const base = 'https://example.com/';
    expect(safeUrl(base + 'a'.repeat(MAX_URL_LENGTH - base.length), 'link')).not.toBeNull();
    expect(safeUrl(base + 'a'.repeat(MAX_URL_LENGTH - base.length + 1), 'link')).toBeNull();
    // Each space grows to %20 when normalised.
    expect(safeUrl(base + ' x'.repeat(700), 'link')).toBeNull();
  });

  it('allows extra media origins exactly, including loopback http', () => {
    const options = { mediaOrigins: ['http://127.0.0.1:5173', 'HTTPS://media.example.com/ignored-path'] };
    expect(safeUrl('http://127.0.0.1:5173/img/a.png', 'media', options)).toBe('http://127.0.0.1:5173/img/a.png');
    expect(safeUrl('https://media.example.com/a.png', 'media', options)).toBe('https://media.example.com/a.png');
    // Other port, other host spelling that is not the same origin, other kinds: refused.
    expect(safeUrl('http://127.0.0.1:5174/a.png', 'media', options)).toBeNull();
    expect(safeUrl('http://localhost:5173/a.png', 'media', options)).toBeNull();
    expect(safeUrl('http://127.0.0.1:5173/a.png', 'link', options)).toBeNull();
    expect(safeUrl('http://u:p@127.0.0.1:5173/a.png', 'media', options)).toBeNull();
    expect(safeUrl('data:image/png;base64,AA', 'media', options)).toBeNull();
    // A malformed configured origin allows nothing and does not throw.
    expect(safeUrl('https://x.example/a.png', 'media', { mediaOrigins: ['not a url', 'null'] })).toBe('https://x.example/a.png');
    expect(safeUrl('http://x.example/a.png', 'media', { mediaOrigins: ['not a url'] })).toBeNull();
  });

  it('never throws and only ever returns http(s)/tel/mailto hrefs (fuzz)', () => {
    const pieces = fc.constantFrom(
      'javascript:',
      'https://',
      'http://',
      '//',
      'tel:',
      'mailto:',
      'data:',
      '&#106;',
      '\u202e',
      '\t',
      ' ',
      '@',
      ':',
      '[',
      ']',
      '::1',
      '127.0.0.1',
      '0x7f',
      'example.com',
      'localhost',
      '%0a',
      '\\',
      '#',
      '?',
      '.',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 8 }), fc.constantFrom<UrlKind>('link', 'media'), (parts, kind) => {
        const out = safeUrl(parts.join(''), kind);
        if (out === null) return;
        expect(out).toMatch(kind === 'media' ? /^https:\/\// : /^(https?:\/\/|tel:|mailto:)/);
        // eslint-disable-next-line no-control-regex -- the output must hold no control characters
        expect(out).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
        if (out.startsWith('http')) {
          const u = new URL(out);
          expect(u.username + u.password).toBe('');
          expect(u.hostname).not.toMatch(/^(127\.|10\.|0\.|192\.168\.|localhost$|\[::1\]$)/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('urlAction', () => {
  it.each([
    ['tel:+391234', 'tel'],
    ['TEL:+391234', 'tel'],
    ['mailto:a@example.com', 'mailto'],
    ['https://example.com/', 'web'],
    ['http://example.com/', 'web'],
  ] as const)('%s -> %s', (href, action) => {
    expect(urlAction(href)).toBe(action);
  });
});
