/**
 * indigo-chat-widget/core: the pure heart of the widget. No DOM, no Lit, no Node-only
 * APIs; runs in Node, browsers and workers.
 */
export type * from './protocol/types.js';
export type * from './delta/types.js';
export type * from './conversation/types.js';

export { DELTA_UNITS, MAX_OPS, MAX_INSERT, isDeltaUnit } from './delta/types.js';
export { encodeSSE, encodeComment, encodeFrame, encodeArrayEnd } from './protocol/encode.js';
export { decodeChunks, type DecodeOptions } from './protocol/decode.js';
export { parseChunk, normalizeTel } from './protocol/parse.js';
export { applyDeltas, DeltaError } from './delta/apply.js';
export { createLiveText } from './delta/live-text.js';
export { NOTICE_TEXT, WARNING_CODES } from './conversation/codes.js';
export {
  createTranscript,
  reduce,
  generationHtml,
  activeActionsBlockId,
  serializeTranscript,
  deserializeTranscript,
  type TranscriptOptions,
} from './conversation/reducer.js';
