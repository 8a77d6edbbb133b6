// Pre-test step of `npm test`: finds every browser and tool the chosen suites need and,
// when something is missing, installs Debian's package (as root, with apt-get) or stops at
// once with one line naming the command to run. `node scripts/setup-engines.js` runs it alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromePath, firefoxPath, miniBrowserPath, selectedEngines, webkitDriverPath, xvfbPath } from '../test/engines.js';

const hasEmojiFont = () => {
  const r = spawnSync('fc-list', [':', 'family'], { encoding: 'utf8' });
  return r.status === 0 && /emoji/i.test(r.stdout);
};

/**
 * What the suites need, as [description, present?, Debian package]. Browsers only for the
 * browser and e2e suites, and only the engines BROWSERS selects.
 * @param {string[]} suites
 */
export function requirements(suites, engines = selectedEngines()) {
  if (!suites.some((s) => s === 'browser' || s === 'e2e')) return [];
  /** @type {[string, () => boolean, string][]} */
  const needs = [];
  if (engines.includes('chromium')) needs.push(['Chromium', () => existsSync(chromePath), 'chromium']);
  if (engines.includes('firefox')) needs.push(['Firefox ESR', () => existsSync(firefoxPath), 'firefox-esr']);
  if (engines.includes('webkit')) {
    needs.push(['WebKitWebDriver', () => existsSync(webkitDriverPath) && existsSync(miniBrowserPath), 'webkit2gtk-driver']);
    needs.push(['Xvfb', () => existsSync(xvfbPath), 'xvfb']);
    needs.push(['xauth', () => existsSync('/usr/bin/xauth'), 'xauth']);
  }
  // Emoji in the e2e screenshots (and the layout the tests measure) need a colour emoji font.
  if (suites.includes('e2e')) needs.push(['an emoji font', hasEmojiFont, 'fonts-noto-color-emoji']);
  return needs;
}

/**
 * Ensures the requirements; returns normally when all are present, exits the process with
 * status 1 (and one line) when they cannot be installed.
 * @param {string[]} suites
 */
export function ensureEngines(suites) {
  let engines;
  try {
    engines = selectedEngines();
  } catch (e) {
    console.error(`npm test: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  const missing = requirements(suites, engines).filter(([, present]) => !present());
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, , pkg]) => pkg))];
  const command = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    const what = missing.map(([d]) => d).join(', ');
    const hint = apt ? `sudo apt-get update && sudo ${command}` : `install ${packages.join(', ')} (Debian package names)`;
    console.error(`npm test: missing ${what}; run: ${hint} (or BROWSERS=… to pick engines)`);
    process.exit(1);
  }
  console.log(`npm test: installing Debian's ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('sh', ['-c', `${command} -qq`], { stdio: 'inherit', env }) : update;
  const still = missing.filter(([, present]) => !present());
  if (install.status !== 0 || still.length > 0) {
    console.error(`npm test: could not install ${packages.join(' ')}; run: ${command}`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const suites = process.argv.slice(2);
  ensureEngines(suites.length > 0 ? suites : ['unit', 'browser', 'e2e']);
  console.log('npm test: every browser and tool is present');
}
