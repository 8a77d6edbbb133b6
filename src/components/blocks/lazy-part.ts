/**
 * Rarely used UI behind `import()` (docs/decisions/open-time-bytes.md): a part's module
 * is fetched the first time its content shows up (or at idle after the panel opens), and
 * once it is here every later render is synchronous, exactly as if it had been bundled.
 *
 * `lazyPart(part, draw, placeholder, fallback)` renders `draw(module)` when the module is
 * loaded, else `placeholder()` (a box of the right kind) until it arrives, or `fallback()`
 * (the block's text and links, never less) when the import failed, until a retry
 * (retryFailedParts) brings the module.
 */
import type { ChildPart, CSSResult } from 'lit';
import { AsyncDirective } from 'lit/async-directive.js';
import { directive } from 'lit/directive.js';

export interface LazyModule<M> {
  /** The module once loaded. */
  mod?: M;
  /** The last import failed: the fallback shows until retryFailedParts() loads it. */
  failed?: boolean;
  /** Settles when the module is loaded, after failures too (a fallback then swaps in the content). */
  arrived: Promise<M>;
  load(): Promise<M>;
}

interface Registered {
  lazy: LazyModule<unknown>;
  importer: () => Promise<unknown>;
  prefetch: boolean;
  /** Forgets what was loaded (tests replacing the importer, see lazyTesting). */
  reset(): void;
  /** Imports again if the last import failed. */
  retry(): void;
}

const registry = new Map<string, Registered>();

/**
 * A lazily imported module, loaded at most once (concurrent callers share the promise).
 * `prefetch`: fetched by prefetchParts() (content that may show up any time, like blocks);
 * features that are off unless configured load only when they are on.
 */
export function lazyModule<M>(name: string, importer: () => Promise<M>, prefetch = true): LazyModule<M> {
  let pending: Promise<M> | undefined;
  // Failed and not tried again yet (retryFailedParts). `failed` itself stays set while a
  // retry runs, so a fallback on screen is not replaced by a placeholder meanwhile.
  let retryable = false;
  let arrive!: (mod: M) => void;
  const lazy: LazyModule<M> = {
    arrived: new Promise((resolve) => (arrive = resolve)),
    load() {
      pending ??= (registry.get(name)!.importer() as Promise<M>).then(
        (mod) => {
          delete lazy.failed;
          arrive(mod);
          return (lazy.mod = mod);
        },
        (error: unknown) => {
          lazy.failed = retryable = true;
          throw error;
        },
      );
      return pending;
    },
  };
  const reset = () => {
    pending = undefined;
    retryable = false;
    lazy.arrived = new Promise((resolve) => (arrive = resolve));
    delete lazy.mod;
    delete lazy.failed;
  };
  const retry = () => {
    if (retryable) {
      retryable = false;
      pending = undefined;
      // Only what was asked for (a fallback shows, or it was prefetched) is fetched again.
      lazy.load().catch(() => {});
    }
  };
  registry.set(name, { lazy, importer, prefetch, reset, retry });
  return lazy;
}

/**
 * Import again every part whose import failed (offline, a CDN hiccup): the element calls
 * it when the chat opens and when the connection comes back. A fallback on screen swaps in
 * the content when it arrives. Chromium and WebKit fetch a failed module again; Firefox
 * keeps a module that failed to load failed for the page (its module map), so there the
 * fallback stays until a reload.
 */
export function retryFailedParts(): void {
  for (const part of registry.values()) part.retry();
}

/**
 * Fetch every registered part now (at idle after the panel opened): later renders need no
 * wait. Resolves when all have settled (a failure is kept for the fallback, not thrown).
 */
export function prefetchParts(all = false): Promise<unknown> {
  return Promise.allSettled([...registry.values()].filter((p) => all || p.prefetch).map(({ lazy }) => lazy.load()));
}

/**
 * @internal Tests: replace a part's importer (a failing or a held-back import) and forget
 * what was loaded; `restore` puts every real importer back.
 */
export const lazyTesting = {
  originals: new Map<string, () => Promise<unknown>>(),
  override(name: string, importer: () => Promise<unknown>): void {
    const entry = registry.get(name);
    if (!entry) throw new Error(`no lazy part ${name}`);
    if (!this.originals.has(name)) this.originals.set(name, entry.importer);
    entry.importer = importer;
    entry.reset();
  },
  restore(): Promise<unknown> {
    for (const [name, importer] of this.originals) {
      const entry = registry.get(name)!;
      entry.importer = importer;
      entry.reset();
    }
    this.originals.clear();
    return prefetchParts(true);
  },
  names: (): string[] => [...registry.keys()],
};

/**
 * A lazy part's styles join the shadow root it renders in (constructed stylesheets: fine
 * under `style-src 'self'`), once per root.
 */
export function adoptStyles(node: Node, styles: CSSResult): void {
  const root = node.getRootNode() as ShadowRoot | Document;
  const sheet = styles.styleSheet;
  if (!sheet || !('adoptedStyleSheets' in root) || root.adoptedStyleSheets.includes(sheet)) return;
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

type Draw<M> = (mod: M) => unknown;
type Args = [LazyModule<unknown>, Draw<unknown>, () => unknown, () => unknown];

class LazyPartDirective extends AsyncDirective {
  /** The latest arguments (a load settling later draws with them). */
  #args: Args | null = null;
  #node: Node | null = null;
  /** The `arrived` this part waits on while its fallback shows. */
  #awaiting: Promise<unknown> | null = null;

  render<M>(lazy: LazyModule<M>, draw: Draw<M>, placeholder: () => unknown, fallback: () => unknown): unknown {
    this.#args = [lazy, draw, placeholder, fallback] as Args;
    if (lazy.mod || lazy.failed) return this.#settled();
    void lazy.load().then(
      () => this.#settleLater(lazy),
      () => this.#settleLater(lazy),
    );
    return placeholder();
  }

  override update(part: ChildPart, [lazy, draw, placeholder, fallback]: Parameters<this['render']>): unknown {
    this.#node = part.parentNode;
    return this.render(lazy, draw, placeholder, fallback);
  }

  /** The module's content (its styles adopted first), or the fallback. */
  #settled(): unknown {
    const [lazy, draw, , fallback] = this.#args!;
    const mod = lazy.mod as { styles?: CSSResult } | undefined;
    if (!mod) {
      // Once per directive, not per render of the fallback (Firefox never retries, so
      // `arrived` may stay pending for the page).
      if (this.#awaiting !== lazy.arrived) void (this.#awaiting = lazy.arrived).then(() => this.#settleLater(lazy));
      return fallback();
    }
    if (mod.styles && this.#node) adoptStyles(this.#node, mod.styles);
    return draw(mod);
  }

  #settleLater(lazy: LazyModule<unknown>): void {
    // Still this part's content, and still on the page: show what arrived.
    if (this.#args?.[0] === lazy && this.isConnected) this.setValue(this.#settled());
  }

  protected override reconnected(): void {
    if (this.#args && (this.#args[0].mod || this.#args[0].failed)) this.setValue(this.#settled());
  }
}

/** See the module comment. A loaded module's `styles` export joins the shadow root first. */
export const lazyPart = directive(LazyPartDirective) as <M>(
  lazy: LazyModule<M>,
  draw: (mod: M) => unknown,
  placeholder: () => unknown,
  fallback: () => unknown,
) => unknown;
