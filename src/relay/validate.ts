import type { OutgoingData } from '../core/protocol/types.js';
import { isSenderFormat } from './sender.js';

/**
 * Validation of the browser's `{sender, data, stopped?}` body. Returns a freshly built object with
 * only the known fields, so nothing the client adds ever reaches the platform.
 */

export const MAX_FIELD_CHARS = 1000;
export const MAX_PROFILE_KEY_CHARS = 128;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Validated =
  | {
      readonly ok: true;
      readonly sender: string;
      readonly data: OutgoingData;
      /** `stopped: true`: the visitor stopped the answer before this message (docs/protocol.md). */
      readonly stopped: boolean;
    }
  | { readonly ok: false; readonly message: string };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Length in code points (what a person would call characters), without allocating for short strings. */
function charCount(s: string): number {
  if (s.length <= 1) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function boundedString(v: unknown, max: number, allowEmpty = false): v is string {
  return typeof v === 'string' && (allowEmpty || v.length > 0) && (v.length <= max || charCount(v) <= max);
}

export function validateSendBody(body: unknown, limits: { textChars: number; profileKeys: number }): Validated {
  const fail = (message: string): Validated => ({ ok: false, message });
  if (!isPlainObject(body)) return fail('The body must be a JSON object.');
  if (!isSenderFormat(body.sender)) return fail('`sender` is missing or malformed; get one from POST /session.');
  if (body.stopped !== undefined && typeof body.stopped !== 'boolean') return fail('`stopped` must be true or false.');
  const valid = validateData(body.data, limits);
  return valid.ok ? { ok: true, sender: body.sender, data: valid.data, stopped: body.stopped === true } : valid;
}

function validateData(
  data: unknown,
  limits: { textChars: number; profileKeys: number },
): { readonly ok: true; readonly data: OutgoingData } | { readonly ok: false; readonly message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  if (!isPlainObject(data)) return fail('`data` must be an object.');
  switch (data.type) {
    case 'text':
      if (!boundedString(data.text, limits.textChars))
        return fail(`\`data.text\` must be a non-empty string of at most ${limits.textChars} characters.`);
      return { ok: true, data: { type: 'text', text: data.text } };
    case 'payload': {
      if (!boundedString(data.payload, MAX_FIELD_CHARS))
        return fail(`\`data.payload\` must be a non-empty string of at most ${MAX_FIELD_CHARS} characters.`);
      if (data.label !== undefined && !boundedString(data.label, MAX_FIELD_CHARS, true))
        return fail(`\`data.label\` must be a string of at most ${MAX_FIELD_CHARS} characters.`);
      const out: OutgoingData =
        data.label === undefined
          ? { type: 'payload', payload: data.payload }
          : { type: 'payload', payload: data.payload, label: data.label };
      return { ok: true, data: out };
    }
    case 'profile': {
      const profile = data.profile;
      if (!isPlainObject(profile)) return fail('`data.profile` must be an object of strings.');
      const keys = Object.keys(profile);
      if (keys.length === 0 || keys.length > limits.profileKeys)
        return fail(`\`data.profile\` must have between 1 and ${limits.profileKeys} keys.`);
      const entries: [string, string][] = [];
      for (const key of keys) {
        // Fixed text: an error body never echoes what the client sent.
        if (FORBIDDEN_KEYS.has(key)) return fail('`data.profile` may not contain the keys __proto__, constructor or prototype.');
        if (!boundedString(key, MAX_PROFILE_KEY_CHARS))
          return fail(`\`data.profile\` keys must be non-empty and at most ${MAX_PROFILE_KEY_CHARS} characters.`);
        const value = profile[key];
        if (!boundedString(value, MAX_FIELD_CHARS, true))
          return fail(`\`data.profile\` values must be strings of at most ${MAX_FIELD_CHARS} characters.`);
        entries.push([key, value]);
      }
      // Object.fromEntries defines own data properties; forbidden keys were refused above.
      return { ok: true, data: { type: 'profile', profile: Object.fromEntries(entries) } };
    }
    default:
      return fail('`data.type` must be "text", "payload" or "profile".');
  }
}
