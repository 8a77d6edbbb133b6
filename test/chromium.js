// Debian's Chromium, as every suite and the benchmark launch it (docs/development.md): the
// path from CHROME_PATH, and the flags that work on these machines (no sandbox as root, no
// background connections that the closed network would refuse).
export const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

export const chromeArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
