/**
 * A body read whole, up to `cap` bytes: never buffers more than the cap plus one read.
 * Past the cap the rest is cancelled: a platform answer's connection closes; the Node
 * server (node.ts) reads and drops what the browser still sends, so its 413 goes out and
 * a keep-alive connection stays usable (Node's request timeout, 300 s by default, ends
 * an endless one). The relay reads the browser's request this way, and the platform's
 * JSON answers (upstreams/json-body.ts).
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, cap: number): Promise<Uint8Array | 'too-large'> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      reader.cancel().catch(() => {});
      return 'too-large';
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
