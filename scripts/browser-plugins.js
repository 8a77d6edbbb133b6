// Build plugins shared by the script-tag widget build (scripts/build.js) and the bundle
// report (scripts/bundle-report.js).
import { dirname, resolve } from 'node:path';

export function browserWidgetPlugins(root) {
  return [
    {
      // The relay always re-emits canonical SSE: the browser needs no framing detection,
      // NDJSON/array scanner or async-iterable bodies, only an SSE decoder of its own.
      name: 'indigo-chat-sse-only',
      enforce: 'pre',
      resolveId(source, importer) {
        if (importer && source.endsWith('decode.js') && resolve(dirname(importer), source) === resolve(root, 'src/core/protocol/decode.js'))
          return resolve(root, 'src/core/protocol/decode.browser.ts');
        return null;
      },
    },
    {
      // No CSS files and no module preloading in the widget: Vite's preload helper (1.2 KB
      // gzip of <link> injection) would wrap every import() for nothing.
      name: 'indigo-chat-no-preload-helper',
      enforce: 'pre',
      load(id) {
        if (id === '\0vite/preload-helper.js') return 'export const __vitePreload = (load) => load();';
        return null;
      },
    },
  ];
}
