// The custom-elements manifest (`custom-elements.json`, shipped in the package for IDEs and
// Storybook): `npm run build` runs `cem analyze --config scripts/custom-elements-manifest.config.js`.
// The Lit plugin reads `static properties` only when each value is an object literal; the
// element builds them with helpers (`dashed('delta-unit')`, `internal`) to stay small, so the
// plugin below resolves those and fixes the attribute names: otherwise the manifest offered
// `deltaUnit`/`mediaOrigins`/… (attributes that do nothing) and listed internal state as
// attributes. Test helpers are left out like tests.
import { staticPropertyHelpers } from './cem-static-properties.js';

export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.test-helper.ts'],
  outdir: '.',
  litelement: true,
  // package.json already names the manifest; the analyzer would rewrite it otherwise.
  packagejson: false,
  plugins: [staticPropertyHelpers()],
};
