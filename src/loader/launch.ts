/**
 * Launcher-first loading for one `<indigo-chat>` element that is not defined yet: a shell
 * launcher now, the widget module fetched ahead on intent (hover, focus, touch) and
 * defined on first open; API calls made meanwhile are queued and replayed in order.
 * Shared by the script-tag loader (src/loader.ts) and the npm entry (src/lazy.ts).
 */
import { mountShell } from './shell.js';
import { hasSavedConversation, keywordOf, pickStorage, readLauncherState } from '../controllers/storage.js';
import type { StorageKind } from '../controllers/storage.js';

/** The widget module as the loader sees it: src/embed.ts. */
export interface WidgetModule {
  defineIndigoChat(tagName?: string): CustomElementConstructor | undefined;
  /** Load the language pack a `lang` attribute asks for (src/components/i18n/locales.ts). */
  preloadLocale?(lang: string | null): Promise<unknown>;
}

/** The element's public methods, as the loader calls them once it is defined. */
interface FullElement extends HTMLElement {
  updateComplete: Promise<unknown>;
  show(): void;
  hide(): void;
  toggle(): void;
  send(text: string): boolean;
  sendPayload(payload: string, label?: string): boolean;
  setProfile(record: Readonly<Record<string, unknown>>): boolean;
  restart(): void;
}

export type Method = 'show' | 'hide' | 'toggle' | 'send' | 'sendPayload' | 'setProfile' | 'restart';

export interface Launch {
  /** Fetch and evaluate the widget module (defines nothing). */
  load(): Promise<WidgetModule>;
  /** Define the element (loading first); resolves once it has rendered. */
  upgrade(): Promise<HTMLElement>;
  /**
   * Call an element method now if defined, else queue it (in order) and upgrade.
   * Before the upgrade, `send`-like calls answer `true` ("queued"); `hide` on a shell that
   * nobody asked to open does nothing.
   */
  call(method: Method, args?: readonly unknown[]): unknown;
  /**
   * The element is no longer only a shell: the widget is being loaded for it or is here, or
   * calls wait for it (a close included).
   */
  started(): boolean;
  /** Hands over the calls still waiting (a close first), for another element to make. */
  take(): [Method, readonly unknown[]][];
  /** Reads the saved launcher state (badge, a panel left open, a teaser) if that was skipped while the element was out of the page. */
  check(): void;
}

/** An inline or fullscreen element shows the conversation itself; any other mode is a launcher (as the widget reads an unknown mode). */
export const showsConversation = (el: Element): boolean => /^(inline|fullscreen)$/.test(keywordOf(el.getAttribute('mode')) ?? '');

/** What a call answers before the widget is here: `true` ("queued") for the send-like ones. */
export const queuedAnswer = (method: Method): true | undefined =>
  method === 'send' || method === 'sendPayload' || method === 'setProfile' || undefined;

const LAUNCHED = Symbol.for('indigo-chat.launch');

/** Soon, in a task of its own: when idle, or within 200 ms at the latest. */
function afterEvaluation(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 200 });
  else setTimeout(fn, 0);
}

/**
 * `importSaved`: the code that reads a saved conversation (a lazy chunk of the widget),
 * fetched beside the widget only when storage holds one for this element, so the element
 * restores it in its first render (docs/decisions/persistence-off-the-open-path.md).
 * `importLocale`: the language pack the element's `lang` asks for, fetched beside the
 * widget too (undefined when its strings are built in); either way the element is defined
 * only once its pack is here, so its first render is not in English
 * (docs/decisions/language-pack-beside-widget.md).
 */
export function launch(
  el: HTMLElement,
  importWidget: () => Promise<WidgetModule>,
  importSaved?: () => Promise<unknown>,
  importLocale?: (lang: string | null) => Promise<unknown> | undefined,
): Launch {
  // Launched once, whichever copy asks (the script tag's loader and the npm `/lazy` entry
  // on one page share the global symbol registry): one shell, one queue.
  const held = el as HTMLElement & { [LAUNCHED]?: Launch };
  const prior = held[LAUNCHED];
  if (prior) {
    // Back in the page (the script tag's own launcher after a route without one).
    afterEvaluation(() => prior.check?.());
    return prior;
  }
  let loading: Promise<WidgetModule> | null = null;
  let upgrading: Promise<HTMLElement> | null = null;
  let saved: Promise<unknown> | null = null;
  let ready = false;
  // The page closed the chat before anything loaded: a panel left open on the previous page
  // is not reopened over that.
  let closed = false;
  const queue: [Method, readonly unknown[]][] = [];
  const tag = el.localName;

  const load = (): Promise<WidgetModule> => {
    // Its failure is the element's to report (it then keeps the chat in memory).
    if (importSaved && !saved && hasSavedConversation(el)) saved = importSaved().catch(() => {});
    // A failed pack is the element's to handle too (English, and it tries again).
    if (!loading) void importLocale?.(el.getAttribute('lang'))?.catch(() => {});
    return (loading ??= importWidget().catch((e: unknown) => {
      loading = null; // the next intent or click tries again
      throw e;
    }));
  };

  const upgrade = (): Promise<HTMLElement> =>
    (upgrading ??= (async () => {
      shell?.busy(true);
      try {
        const mod = await load();
        // A saved conversation's reader is here before the element connects: the shell
        // hands over to a widget that renders the conversation at once.
        // Its language pack too (already fetched beside the widget by the script tag's
        // loader; imported now elsewhere): the first render speaks it.
        await Promise.all([saved, mod.preloadLocale?.(el.getAttribute('lang'))]);
        mod.defineIndigoChat(tag);
        await customElements.whenDefined(tag);
        // A detached element (no <body> yet) is not upgraded by define(); its first render
        // (and so updateComplete) then waits for it to be attached.
        customElements.upgrade(el);
        // Loaded for its teaser after the page closed it: the panel the previous page left
        // open is closed before it first renders (no flash, no events).
        if (closed) (el as FullElement).hide();
        closed = false;
        await (el as FullElement).updateComplete;
        ready = true;
        // Replayed in order; one failing call must not drop the rest. The page was told
        // `true` ("queued") for a send-like call, so a refusal now is said in the console.
        for (const [m, args] of queue.splice(0)) {
          try {
            if ((el as FullElement)[m](...(args as [never, never])) === false)
              console.warn(`indigo-chat: IndigoChat.${m}() was refused (wrong arguments, or consent pending)`);
          } catch (e) {
            console.warn('indigo-chat: a queued call failed:', e);
          }
        }
        return el;
      } catch (e) {
        upgrading = null;
        shell?.busy(false);
        shell?.failed();
        console.warn('indigo-chat: the widget could not be loaded:', e);
        throw e;
      }
    })());

  // Upgraded by the browser, not by this launch (another element loaded the widget first).
  const upgraded = () => upgrading === null && el.matches(':defined');
  const call = (method: Method, args: readonly unknown[] = []): unknown => {
    if (ready || upgraded()) return (el as FullElement)[method](...(args as [never, never]));
    if (method === 'hide' && upgrading === null) {
      closed = true;
      return undefined;
    }
    queue.push([method === 'toggle' && upgrading === null ? 'show' : method, args]);
    upgrade().catch(() => {});
    return queuedAnswer(method);
  };

  let shell: ReturnType<typeof mountShell> | null = null;
  let checked = false;
  let check = () => {};
  if (customElements.get(tag)) {
    // Already defined (another copy of the widget): nothing to shell.
    ready = true;
  } else if (showsConversation(el) || el.hasAttribute('open')) {
    // Inline and fullscreen show the conversation itself, as does a launcher the owner
    // wrote open (`<indigo-chat open>`): needed now. Another mode is the launcher.
    upgrade().catch(() => {});
  } else {
    shell = mountShell(el, {
      lang: el.getAttribute('lang') ?? 'en',
      onIntent: () => void load().catch(() => {}),
      onActivate: () => void call('show'),
    });
    // The first storage access of a page can block for milliseconds (the browser loads
    // the origin's whole storage area), so it is not part of the script's evaluation:
    // the badge (or the panel left open on the previous page) follows a moment later.
    check = () => {
      // Not for an element the page (or the script tag, handing over to the page's) took
      // away: it reads it when it is launched again, back in the page. (One in a shadow root
      // whose host is not in the page yet reads it now: nothing launches it again.) Not for
      // one the browser upgraded: the widget reads its own state.
      if (checked || ready || upgrading || upgraded() || (!el.isConnected && !(el.getRootNode() instanceof ShadowRoot))) return;
      checked = true;
      const storage = pickStorage((keywordOf(el.getAttribute('storage')) ?? 'local') as StorageKind);
      const state = readLauncherState(storage, el.getAttribute('relay') ?? '/api/chat', el.id);
      if (state.open && !closed) upgrade().catch(() => {});
      else {
        shell?.unread(state.unread);
        // A proactive teaser is the widget's own UI, asked for by the owner: load it now (it
        // still sends and stores nothing before the visitor acts). Never before consent.
        if (el.hasAttribute('teaser') && keywordOf(el.getAttribute('consent')) !== 'required') upgrade().catch(() => {});
      }
    };
    afterEvaluation(check);
  }
  return (held[LAUNCHED] = {
    load,
    upgrade,
    call,
    started: () => ready || upgrading !== null || queue.length > 0 || closed,
    take: () => {
      // A close made before anything loaded, handed over once.
      const close: [Method, readonly unknown[]][] = closed ? [['hide', []]] : [];
      closed = false;
      return [...close, ...queue.splice(0)];
    },
    check: () => check(),
  });
}
