// The same suite with the DOMPurify fallback forced (the engine WebKit/Safari uses), so
// Chromium and Firefox test both sanitizer paths (docs/decisions/native-sanitizer.md).
import { sanitizeWith } from './sanitizer-engine.test-helper.js';
import './streaming-html.browser.test.js';

sanitizeWith('dompurify');
