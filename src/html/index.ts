// The HTML layer: URL policy (pure), sanitizer and live renderer (browser). No Lit here.
export { safeUrl, urlAction, MAX_URL_LENGTH } from './url-policy.js';
export type { UrlKind, UrlPolicyOptions } from './url-policy.js';
export { sanitizeToFragment, rawTextToFragment, TRUSTED_TYPES_POLICY_NAMES } from './sanitize.js';
export { LiveHtmlView, LIVE_GROUP_ATTRIBUTE } from './live-html.js';
export type { LiveHtmlOptions } from './live-html.js';
export { scanBlocks } from './blocks.js';
export type { ScannedBlock, ScanResult } from './blocks.js';
