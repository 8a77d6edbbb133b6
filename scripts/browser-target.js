// The syntax of every browser bundle: ES2022, which the oldest browsers the README promises
// (Chrome/Edge 93, Firefox 125, Safari 15.4) parse but for one feature, class static blocks
// (Safari 16.4, Chrome 94). A target naming those browsers would make Rolldown lower every
// class feature (each `#field` a WeakMap); instead the browser sources declare no static
// fields (Rolldown writes them as static blocks: static getters instead), and
// test/e2e/browser-floor.e2e.test.ts refuses a static block in any built file.
export const BROWSER_TARGET = 'es2022';

// The oldest browsers the README promises, as browserslist queries: the API lint
// (eslint-plugin-compat, eslint.config.js) and the CSS check (test/unit/css-floor.test.ts)
// read them here. docs/decisions/browser-floor.md says what sets each.
export const BROWSER_FLOOR = ['chrome >= 93', 'edge >= 93', 'firefox >= 125', 'safari >= 15.4', 'ios_saf >= 15.4'];
