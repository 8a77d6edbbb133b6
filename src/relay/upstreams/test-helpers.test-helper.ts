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
