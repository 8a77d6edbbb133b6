// The HTML layer: URL policy (pure), sanitizer and streaming HTML view (browser). No Lit here.
export { safeUrl, urlAction, MAX_URL_LENGTH } from './url-policy.js';
export type { UrlKind, UrlPolicyOptions } from './url-policy.js';
export { sanitizeToFragment, ensureSanitizer, sanitizerStatus, plainTextToFragment, TRUSTED_TYPES_POLICY_NAMES } from './sanitize.js';
export type { SanitizerStatus } from './sanitize.js';
export { StreamingHtmlView, SEGMENT_GROUP_ATTRIBUTE } from './streaming-html.js';
export type { HtmlSource, StreamingHtml, StreamingHtmlOptions } from './streaming-html.js';
export { scanSegments } from './segments.js';
export type { HtmlSegment, SegmentScan } from './segments.js';
export type { SanitizeOptions } from './sanitize.js';
export { gateFragment, mayLoadOnRender } from './media-gate.js';
export type { MediaGateOptions } from './media-gate.js';
