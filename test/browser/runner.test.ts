import { expect } from '@open-wc/testing';

// Proves the browser runner really runs in a browser (APIs Node does not have), and in one
// of the three engines the suite targets: Chromium, Firefox (Gecko) or WebKit.
describe('browser runner', () => {
  it('runs in a real browser engine with a DOM and Intl.Segmenter', () => {
    const div = document.createElement('div');
    div.innerHTML = '<p>hi</p>';
    expect(div.querySelector('p')?.textContent).to.equal('hi');
    const ua = navigator.userAgent;
    const engine = /Chrome\//.test(ua)
      ? 'chromium'
      : /Gecko\/\d+ Firefox\//.test(ua)
        ? 'firefox'
        : /AppleWebKit\/.*Safari\//.test(ua)
          ? 'webkit'
          : 'unknown';
    expect(engine).to.not.equal('unknown');
    expect(typeof document.body.attachShadow).to.equal('function');
    expect([...new Intl.Segmenter().segment('👩‍👩‍👧e\u0301')].length).to.equal(2);
  });
});
