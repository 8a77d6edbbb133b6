// Build plugins shared by the script-tag widget build (scripts/build.js) and the bundle
// report (scripts/bundle-report.js).
import { resolve } from 'node:path';

export function browserWidgetPlugins(root) {
  return [
    {
      // The relay always re-emits canonical SSE: the browser needs no NDJSON/array scanner.
      name: 'indigo-chat-sse-only',
      enforce: 'pre',
      resolveId(source, importer) {
        if (source === './json-scanner.js' && importer?.includes('/src/core/protocol/')) return resolve(root, 'src/core/protocol/json-scanner.browser.ts');
        return null;
      },
    },
  ];
}
