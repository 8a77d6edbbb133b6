// The same suite with the DOMPurify fallback forced (the engine WebKit/Safari uses), so
// Chromium and Firefox test both sanitizer paths (docs/decisions/native-sanitizer.md).
import { sanitizeWith } from './sanitizer-engine.test-helper.js';
import './sanitize.browser.test.js';

sanitizeWith('dompurify');
