/**
 * Typed handles on the mocha globals @web/test-runner provides in the browser suites
 * (the project has no @types/mocha, and an ambient declaration here would leak into
 * every other folder's typecheck). Test files only.
 */
type Done = (error?: unknown) => void;
type TestFn = (this: unknown, done: Done) => void | Promise<unknown>;
type SuiteFn = (name: string, fn: () => void) => void;
type ItFn = (name: string, fn: (() => void | Promise<unknown>) | TestFn) => void;
type HookFn = (fn: () => void | Promise<unknown>) => void;

interface MochaGlobals {
  describe: SuiteFn;
  it: ItFn;
  beforeEach: HookFn;
  afterEach: HookFn;
}

const g = globalThis as unknown as MochaGlobals;
export const describe: SuiteFn = (name, fn) => g.describe(name, fn);
export const it: ItFn = (name, fn) => g.it(name, fn);
export const beforeEach: HookFn = (fn) => g.beforeEach(fn);
export const afterEach: HookFn = (fn) => g.afterEach(fn);
