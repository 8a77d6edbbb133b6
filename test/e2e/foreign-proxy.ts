// The witness of what a page asks of hosts other than the e2e server: a
// logging HTTP proxy on 127.0.0.1 that the browser sends every non-loopback request to
// (driver.ts LaunchOptions.proxy). HTTPS is opened (CONNECT, then TLS with a throw-away
// certificate the browser is told to accept), so the log has full URLs, and every request
// is answered with the given body (a 1x1 PNG): nothing leaves the machine, no DNS needed.
// Chromium and Firefox (WebKit has none: driver.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ForeignProxy {
  /** `127.0.0.1:port`, for LaunchOptions.proxy. */
  address: string;
  /**
   * Every request through the proxy, in order, as `METHOD url` (a tunnel: `CONNECT
   * host:port`), except the browser's own service traffic (BROWSER_SERVICES).
   */
  requests: string[];
  /** The browser's own service requests (Chromium's autofill and account checks, …), kept apart. */
  browserServices: string[];
  close(): Promise<void>;
}

/** A self-signed certificate, made with Debian's openssl (the browsers accept any here). */
function certificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'indigo-proxy-'));
  try {
    const [key, cert] = [join(dir, 'k.pem'), join(dir, 'c.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=foreign.example', '-keyout', key, '-out', cert],
      {
        stdio: 'ignore',
      },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Hosts the browsers call on their own, whatever the page (measured here: Chromium asks
 * content-autofill.googleapis.com, accounts.google.com and, for a spelling dictionary,
 * redirector.gvt1.com). No page under test refers to them; the hostile HTML's hosts are attacker.example, allowed.example and example.com.
 */
const BROWSER_SERVICES =
  /^(?:CONNECT |[A-Z]+ https?:\/\/)(?:[\w-]+\.)*(?:google\.com|gvt1\.com|googleapis\.com|gstatic\.com|mozilla\.(?:com|net|org)|firefox\.com|mozaws\.net)(?::\d+)?(?:[/?]|$)/;

export async function startForeignProxy(body: Uint8Array): Promise<ForeignProxy> {
  const requests: string[] = [];
  const browserServices: string[] = [];
  const log = (line: string) => (BROWSER_SERVICES.test(line) ? browserServices : requests).push(line);
  const sockets = new Set<Socket>();
  const answer = (res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
    res.end(Buffer.from(body));
  };
  const cert = certificate();
  // Requests inside the tunnels, decrypted.
  const inner = https.createServer(cert, (req, res) => {
    log(`${req.method} https://${req.headers.host ?? '?'}${req.url ?? '/'}`);
    answer(res);
  });
  inner.on('tlsClientError', () => {});
  const proxy = http.createServer((req, res) => {
    log(`${req.method} ${req.url}`); // a proxied request's URL is absolute
    answer(res);
  });
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (req: http.IncomingMessage, socket: Duplex) => {
    log(`CONNECT ${req.url}`);
    socket.on('error', () => {});
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => inner.emit('connection', socket));
  });
  proxy.listen(0, '127.0.0.1');
  await new Promise((r) => proxy.once('listening', r));
  const { port } = proxy.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    browserServices,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        inner.close();
        proxy.close(() => done());
      }),
  };
}
