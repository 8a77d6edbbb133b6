export interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}
export interface FileSize extends Size {
  file: string;
}
export const BUDGETS: Readonly<{ firstLoadGzip: number; fullWidgetGzip: number }>;
export function measureBundles(dist?: string): {
  loader: FileSize;
  widget: FileSize[];
  /** The DOMPurify engine's chunks: fetched only where the HTML Sanitizer API is missing. */
  fallback: FileSize[];
  lazy: FileSize[];
  firstLoad: Size;
  /** Loader + what opening fetches, with the native sanitizer (Chromium, Firefox). */
  fullWidget: Size;
  /** The same plus `fallback` (WebKit/Safari). */
  fullWidgetFallback: Size;
  lazyTotal: Size;
};
