import { describe, expect, it } from 'vitest';
import { createSenderSigner, fromBase64Url } from './sender.js';

const ORIGIN = 'https://shop.example';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('sender ids', () => {
  it('accept only the spelling the relay issued: the signature’s spare bits cannot be flipped', async () => {
    const signer = createSenderSigner('k'.repeat(40));
    for (let n = 0; n < 8; n++) {
      const sender = await signer.issue(ORIGIN);
      expect(await signer.verify(sender, ORIGIN)).toBe(true);
      // Every other last character; three of them spell the very same 32 bytes.
      const others = [...ALPHABET].filter((c) => c !== sender.at(-1)).map((c) => sender.slice(0, -1) + c);
      // (Before the canonical check those three decoded to the issued bytes and verified.)
      for (const other of others) expect(await signer.verify(other, ORIGIN), other).toBe(false);
    }
  });

  it('still verify ids signed under an older listed secret, and refuse another origin', async () => {
    const old = await createSenderSigner('o'.repeat(40)).issue(ORIGIN);
    expect(fromBase64Url(old.split('.')[1]!)?.byteLength).toBe(32);
    const rotated = createSenderSigner(['n'.repeat(40), 'o'.repeat(40)]);
    expect(await rotated.verify(old, ORIGIN)).toBe(true);
    expect(await rotated.verify(old, 'https://other.example')).toBe(false);
  });
});
