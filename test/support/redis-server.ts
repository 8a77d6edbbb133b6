/**
 * A real redis-server for tests, on a free 127.0.0.1 port, without persistence.
 * Debian's `redis-server` package: installed with apt when missing and running as root
 * (like the browsers); otherwise the error says what to install.
 *
 * `restart()` stops it and starts a new one on the same port (same URL, empty data), as a
 * Redis restart in production does. `stop()` kills it for good.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

function redisBinary(): string {
  const known = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (known) return known;
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  if (process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
    if (r.status === 0 && existsSync('/usr/bin/redis-server')) {
      // The package starts a system service on 6379; the tests never use it.
      spawnSync('sh', ['-c', 'service redis-server stop >/dev/null 2>&1 || true']);
      return '/usr/bin/redis-server';
    }
  }
  throw new Error('redis-server is not installed: apt-get install -y redis-server');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function launch(bin: string, port: number, dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--protected-mode',
        'yes',
        '--loglevel',
        'notice',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on ${port}: ${out.slice(-500)}`));
    }, 10_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready: ${out.slice(-500)}`));
    });
  });
}

function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function startRedisServer(): Promise<TestRedisServer> {
  const bin = redisBinary();
  const dir = mkdtempSync(join(tmpdir(), 'indigo-redis-'));
  let lastError: unknown;
  // A free port can be taken between the probe and redis binding it: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    let child: ChildProcess;
    try {
      child = await launch(bin, port, dir);
    } catch (error) {
      lastError = error;
      continue;
    }
    let current: ChildProcess | undefined = child;
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      async stop() {
        await kill(current);
        current = undefined;
        rmSync(dir, { recursive: true, force: true });
      },
      async restart() {
        await kill(current);
        current = undefined;
        for (let i = 0; ; i++) {
          try {
            current = await launch(bin, port, dir);
            return;
          } catch (error) {
            if (i >= 20) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error('redis-server did not start');
}
