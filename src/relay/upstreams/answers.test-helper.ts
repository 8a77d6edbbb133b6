/** Shared by the adapter suites: read an adapter's answer as chunks. */
import { decodeChunks } from '../../core/protocol/decode.js';
import { isRefusal, type UpstreamAnswer } from './types.js';

export type Wire = { type: string; [key: string]: unknown };

export async function chunksOf(answer: UpstreamAnswer): Promise<Wire[]> {
  if (isRefusal(answer)) throw new Error(`refused: ${answer.refused.code}`);
  if (answer.status !== 200 || !answer.body) throw new Error(`status ${answer.status}`);
  const out: Wire[] = [];
  for await (const c of decodeChunks(answer.body)) out.push(c as Wire);
  return out;
}

export const quietLog = (): { lines: string[]; log: (l: string, m: string, f?: Record<string, unknown>) => void } => {
  const lines: string[] = [];
  return { lines, log: (l, m, f) => lines.push(`${l} ${m} ${JSON.stringify(f ?? {})}`) };
};

/**
 * Reads the first chunk of a polling answer, aborts and cancels it, waits `ms`, and returns
 * how many requests `count` saw right after the abort and after the wait.
 */
export async function pollsAfterAbort(
  answer: UpstreamAnswer,
  abort: AbortController,
  count: () => number,
  ms: number,
): Promise<[number, number]> {
  if (isRefusal(answer) || !answer.body) throw new Error('no body');
  const reader = answer.body.getReader();
  await reader.read();
  abort.abort();
  await reader.cancel();
  const before = count();
  await new Promise((r) => setTimeout(r, ms));
  return [before, count()];
}
