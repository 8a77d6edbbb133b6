// The witness of what a page asks of hosts other than the e2e server, in every engine: a
// logging HTTP proxy on 127.0.0.1 that the browser sends every non-loopback request to
// (driver.ts LaunchOptions.proxy). HTTPS is opened (CONNECT, then TLS with a throw-away
// certificate the browser is told to accept), so the log has full URLs, and every request
// is answered with the given body (a 1x1 PNG): nothing leaves the machine, no DNS needed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
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
  // The proxy itself, spoken to in plain HTTP (Chromium, Firefox) or over TLS (WebKitGTK
  // uses an `https://` proxy for HTTPS requests): one handler for both.
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    log(`${req.method} ${req.url}`); // a proxied request's URL is absolute
    answer(res);
  };
  const onConnect = (req: http.IncomingMessage, socket: Duplex) => {
    log(`CONNECT ${req.url}`);
    socket.on('error', () => {});
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => inner.emit('connection', socket));
  };
  const plain = http.createServer(onRequest).on('connect', onConnect);
  const secure = https.createServer(cert, onRequest).on('connect', onConnect);
  // WebKitGTK does not accept the proxy's own certificate (acceptInsecureCerts covers pages
  // only): the attempt is logged, its host stays unknown.
  secure.on('tlsClientError', () => log('TLS to the proxy (refused by the browser)'));
  // SOCKS5 (WebKitGTK): the host name comes through unresolved; what follows is TLS for the
  // decrypting server, or plain HTTP (logged with its Host).
  const direct = http.createServer((req, res) => {
    log(`${req.method} http://${req.headers.host ?? '?'}${req.url ?? '/'}`);
    answer(res);
  });
  const socks = (socket: Socket) => {
    let buffered = Buffer.alloc(0);
    let stage: 'greeting' | 'request' = 'greeting';
    const onData = (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      if (stage === 'greeting') {
        if (buffered.length < 2 || buffered.length < 2 + (buffered[1] ?? 0)) return;
        buffered = buffered.subarray(2 + (buffered[1] ?? 0));
        socket.write(Buffer.from([0x05, 0x00])); // no authentication
        stage = 'request';
      }
      if (buffered.length < 5) return;
      const type = buffered[3];
      const hostLength = type === 0x03 ? 1 + (buffered[4] ?? 0) : type === 0x04 ? 16 : 4;
      if (buffered.length < 4 + hostLength + 2) return;
      const raw = buffered.subarray(4, 4 + hostLength);
      const host = type === 0x03 ? raw.subarray(1).toString('latin1') : type === 0x01 ? [...raw].join('.') : raw.toString('hex');
      const port = buffered.readUInt16BE(4 + hostLength);
      const rest = buffered.subarray(4 + hostLength + 2);
      socket.off('data', onData);
      log(`CONNECT ${host}:${port}`);
      socket.write(Buffer.from([0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
      const hand = (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        (first[0] === 0x16 ? inner : direct).emit('connection', socket);
        socket.resume();
      };
      if (rest.length > 0) hand(rest);
      else socket.once('data', hand);
    };
    socket.on('data', onData);
  };
  const proxy = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === 0x05) socks(socket);
      else (first[0] === 0x16 ? secure : plain).emit('connection', socket); // 0x16: a TLS handshake
      socket.resume();
    });
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
        direct.close();
        plain.close();
        secure.close();
        proxy.close(() => done());
      }),
  };
}
