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
  lazy: FileSize[];
  firstLoad: Size;
  fullWidget: Size;
  lazyTotal: Size;
};
