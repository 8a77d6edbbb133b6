// Collects the license of every npm package a build bundles (marked and diff in the mock
// platform, Lit and DOMPurify in the script-tag build, ...) so the published files carry
// the notices their licenses ask for: dist/THIRD-PARTY-LICENSES.txt.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGE_ROOT = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

/** A Vite plugin per build plus `write(file)` once all builds are done. */
export function thirdPartyNotices() {
  /** package directory -> {name, version, license, text} */
  const found = new Map();
  const plugin = () => ({
    name: 'third-party-notices',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of Object.keys(chunk.modules)) {
          const dir = PACKAGE_ROOT.exec(id.replace(/^\0/, '').split('?')[0] ?? '')?.[1];
          if (dir === undefined || found.has(dir)) continue;
          const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
          found.set(dir, {
            name: pkg.name,
            version: pkg.version,
            license: typeof pkg.license === 'string' ? pkg.license : 'see its package',
            text: licenseFile && existsSync(join(dir, licenseFile)) ? readFileSync(join(dir, licenseFile), 'utf8').trim() : '',
          });
        }
      }
    },
  });
  const write = (file) => {
    const entries = [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
    const body = entries
      .map((e) => `${e.name}@${e.version} (${e.license})\n\n${e.text || '(no license file in the package)'}\n`)
      .join(`\n${'-'.repeat(78)}\n\n`);
    writeFileSync(file, `Third-party code bundled into this package's dist/ files\n\n${body}`);
    return entries.map((e) => e.name);
  };
  return { plugin, write };
}
