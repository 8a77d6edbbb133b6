// Loaded by web-test-runner.config.js before every browser test file (testRunnerHtml).
// A failed assertion whose actual or expected value is a DOM node (`expect(el).to.equal(null)`)
// hung the page: the runner sends the error's `actual`/`expected` to the terminal, and
// serializing a node walks its whole document (Chromium: the page stopped answering and the
// file ended "browser disconnected" after the 5-minute session timeout, with no diff). A root
// `afterEach` swaps such values for their markup, cut short, before the runner reads them.
const describeNode = (value) => {
  if (!(value instanceof globalThis.Node)) return value;
  const markup = value instanceof globalThis.Element ? value.outerHTML : `${value.nodeName}: ${value.textContent ?? ''}`;
  return markup.length > 500 ? `${markup.slice(0, 500)}…` : markup;
};

globalThis.mocha.suite.afterEach(function domErrorsAsText() {
  const err = this.currentTest?.err;
  if (!err) return;
  for (const key of ['actual', 'expected']) {
    if (Array.isArray(err[key])) err[key] = err[key].map(describeNode);
    else err[key] = describeNode(err[key]);
  }
});
