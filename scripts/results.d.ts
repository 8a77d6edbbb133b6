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
export declare function tally(run: RunResults): {
  passed: number;
  failed: number;
  engines: Record<string, { passed: number; failed: number }>;
  failures: string[];
};
