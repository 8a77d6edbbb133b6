// The oldest browsers the widget is built for (README, "Browser support"): the syntax of
// every browser bundle is lowered to what these parse. Safari 15.4 sets the floor's
// syntax (no class static blocks before 16.4; Rolldown writes `static {}` for static
// fields); Chrome/Edge 93 and Firefox 125 are the runtime floors (Object.hasOwn,
// Intl.Segmenter for the default grapheme delta unit) and need nothing lowered.
export const BROWSER_TARGET = ['es2022', 'chrome93', 'edge93', 'firefox125', 'safari15.4'];
