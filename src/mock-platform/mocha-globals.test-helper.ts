/**
 * Typed handles on the mocha globals @web/test-runner provides in browser suites (the
 * project has no @types/mocha, and an ambient declaration would leak into every folder's
 * typecheck). Browser test files only.
 */
type SuiteFn = (name: string, fn: () => void) => void;
type ItFn = (name: string, fn: () => void | Promise<unknown>) => void;
type HookFn = (fn: () => void | Promise<unknown>) => void;

interface MochaGlobals {
  describe: SuiteFn;
  it: ItFn;
  before: HookFn;
  after: HookFn;
  afterEach: HookFn;
}

const g = globalThis as unknown as MochaGlobals;
export const describe: SuiteFn = (name, fn) => g.describe(name, fn);
export const it: ItFn = (name, fn) => g.it(name, fn);
export const before: HookFn = (fn) => g.before(fn);
export const after: HookFn = (fn) => g.after(fn);
export const afterEach: HookFn = (fn) => g.afterEach(fn);
