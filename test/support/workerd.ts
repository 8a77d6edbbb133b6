/**
 * Runs a Worker module under workerd (Cloudflare's open-source Workers runtime, from npm)
 * on a free 127.0.0.1 port. Bindings are text vars; outbound fetches may reach loopback
 * (the mock platform), which workerd refuses by default.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface Workerd {
  url: string;
  lines: string[];
  stop(): Promise<void>;
}

const capnpString = (s: string) => JSON.stringify(s);

export async function startWorkerd(moduleFile: string, bindings: Record<string, string>): Promise<Workerd> {
  const require = createRequire(import.meta.url);
  const workerd = require('workerd') as { default: string };
  const dir = mkdtempSync(join(tmpdir(), 'indigo-workerd-'));
  copyFileSync(moduleFile, join(dir, 'worker.mjs'));
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "relay", worker = .relay),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "relay")],
);
const relay :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "2025-06-01",
  # request.signal aborts when the client disconnects (what the relay listens to).
  compatibilityFlags = ["enable_request_signal"],
  bindings = [${Object.entries(bindings)
    .map(([name, text]) => `(name = ${capnpString(name)}, text = ${capnpString(text)})`)
    .join(', ')}],
  globalOutbound = "net",
);
`;
  writeFileSync(join(dir, 'config.capnp'), config);
  const child: ChildProcess = spawn(workerd.default, ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not start:\n${lines.join('\n')}`)), 20_000);
    let buffer = '';
    (child.stdio[3] as Readable).on('data', (d: Buffer) => {
      buffer += d.toString();
      for (const line of buffer.split('\n')) {
        try {
          const msg = JSON.parse(line) as { event?: string; socket?: string; port?: number };
          if (msg.event === 'listen' && msg.socket === 'http' && msg.port) {
            clearTimeout(timer);
            resolve(msg.port);
          }
        } catch {
          // a partial line
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (${code}):\n${lines.join('\n')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    lines,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGKILL');
      }),
  };
}
