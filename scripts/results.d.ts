// Types of scripts/results.js (a plain ES module run by Node) for its tests.
export interface FileResults {
  passed: Map<string, string>;
  failed: Map<string, { engine: string; line: string }>;
  errors: Map<string, { engine: string; line: string }>;
}
export type RunResults = Map<string, FileResults>;
export declare function fromVitest(json: unknown, cwd?: string): RunResults;
export declare function fromBrowser(json: unknown): RunResults;
export declare function failingFiles(run: RunResults): string[];
export declare function mergeRerun(first: RunResults, second: RunResults): { run: RunResults; flaky: string[] };
export interface Counts {
  passed: number;
  failed: number;
  engines: Record<string, { passed: number; failed: number }>;
  failures: string[];
}
export declare function tally(run: RunResults): Counts;
/** One run of a suite: its exit code, its results (null when the runner wrote none), unhandled errors' lines. */
export interface SuiteRun {
  code: number;
  run: RunResults | null;
  unhandled?: string[];
}
export declare function withRerun(
  first: SuiteRun,
  again: (files: string[]) => SuiteRun,
): { code: number; counts: Counts | null; flaky: string[] };
