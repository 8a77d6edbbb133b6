/** Test support for the mock platform's suites: requests and whole-body decoding. */
import { decodeChunks } from '../core/protocol/decode.js';
import type { DecodeError, WireChunk } from '../core/protocol/types.js';

export interface Decoded {
  chunks: WireChunk[];
  errors: DecodeError[];
}

/** Decodes a whole response body with the core decoder. */
export async function decodeAll(body: ReadableStream<Uint8Array> | null): Promise<Decoded> {
  const errors: DecodeError[] = [];
  const chunks: WireChunk[] = [];
  if (!body) return { chunks, errors };
  for await (const c of decodeChunks(body, { onError: (e) => errors.push(e), maxTotalBytes: 50_000_000 })) chunks.push(c);
  return { chunks, errors };
}

export function sendRequest(body: unknown, init: { token?: string; auth?: string | null; url?: string } = {}): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = init.auth === undefined ? 'Bearer pat-mock-pat' : init.auth;
  if (auth !== null) headers['authorization'] = auth;
  return new Request(init.url ?? `http://mock.test/chat/${init.token ?? 'demo-project'}/send`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const initBody = { sender: 'visitor-1', source: 'web', data: { type: 'payload', payload: 'init', label: 'START' } };
