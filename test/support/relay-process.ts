/**
 * `indigo-chat-relay` as a real child process (the CLI's `main`, bundled from source),
 * on a free 127.0.0.1 port. Collects its log lines and says when it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { bundle } from './bundle.js';

let cliBundle: Promise<string> | undefined;

export interface RelayProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr lines so far. */
  lines: string[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  cliBundle ??= bundle('src/relay/node.ts', 'node');
  const file = pathToFileURL(await cliBundle).href;
  const code = `const m = await import(${JSON.stringify(file)}); await m.main(['--port', '0'], process.env);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const onLine = (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        const m = /^indigo-chat-relay: (http:\/\/\S+)$/.exec(line);
        if (m?.[1]) resolve(m[1]);
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    void exited.then((c) => reject(new Error(`relay process exited (${c}) before listening:\n${lines.join('\n')}`)));
  });
  return {
    url,
    child,
    lines,
    exited,
    kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
