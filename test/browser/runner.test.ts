import { expect } from '@open-wc/testing';

// Proves the browser runner really runs in Chromium: APIs Node does not have.
describe('browser runner', () => {
  it('runs in a real Chromium with a DOM and Intl.Segmenter', () => {
    const div = document.createElement('div');
    div.innerHTML = '<p>hi</p>';
    expect(div.querySelector('p')?.textContent).to.equal('hi');
    expect(navigator.userAgent).to.contain('Chrome');
    expect([...new Intl.Segmenter().segment('👩‍👩‍👧e\u0301')].length).to.equal(2);
  });
});
