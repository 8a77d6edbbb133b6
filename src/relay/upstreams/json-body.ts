/**
 * A platform's JSON answer (a send receipt, a page of messages), read with a ceiling.
 *
 * `Response.json()` holds whatever comes: a platform (or a proxy in front of it) that
 * answers a poll with a body that never ends, or with a few kilobytes of gzip that inflate
 * to gigabytes, would fill the relay's memory for every visitor at once. The ceiling counts
 * bytes after decompression; past it the rest is cancelled (the connection closes) and the
 * read fails like malformed JSON, which the adapters already treat as a failed call.
 */

/** Far above a page of messages or a receipt (a chat-messages chat of 500 long answers is ~2 MB). */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

export async function readJson(res: Response, max = MAX_JSON_BYTES): Promise<unknown> {
  if (!res.body) throw new SyntaxError('The platform sent no body.');
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      reader.cancel().catch(() => {});
      throw new RangeError(`The platform's answer is over ${max} bytes.`);
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return JSON.parse(new TextDecoder().decode(bytes));
}
