/**
 * A platform's JSON answer (a send receipt, a page of messages), read with a ceiling.
 *
 * `Response.json()` holds whatever comes: a platform (or a proxy in front of it) that
 * answers a poll with a body that never ends, or with a few kilobytes of gzip that inflate
 * to gigabytes, would fill the relay's memory for every visitor at once. The ceiling counts
 * bytes after decompression; past it the rest is cancelled (the connection closes) and the
 * read fails like malformed JSON, which the adapters already treat as a failed call.
 */

import { readCapped } from '../read-capped.js';

/** Far above a page of messages or a receipt (a chat-messages chat of 500 long answers is ~2 MB). */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

export async function readJson(res: Response, max = MAX_JSON_BYTES): Promise<unknown> {
  const bytes = await readCapped(res.body, max);
  if (bytes === 'too-large') throw new RangeError(`The platform's answer is over ${max} bytes.`);
  return JSON.parse(new TextDecoder().decode(bytes));
}
