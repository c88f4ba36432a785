import { evaluateCodec } from './evaluate-codec.js';
import type { WebDriverSession } from './webdriver-session.js';

type PageFunction<Arg, R> = string | ((arg: Arg) => R | Promise<R>);

const { encode, decode } = evaluateCodec();

/**
 * The script WebDriver runs for an evaluate: it decodes the argument, calls the test's function
 * (sent as source, as Playwright sends it), and reports the outcome encoded, never throwing, so
 * that an error in the page arrives with its name and message rather than as a driver error.
 */
const EVALUATE_SCRIPT = `
const [source, isFunction, arg, done] = arguments;
const { encode, decode } = (${evaluateCodec.toString()})();
(async () => {
  if (!isFunction) return (0, eval)(source);
  const fn = (0, eval)('(' + source + ')');
  return fn(decode(arg));
})().then(
  (value) => { try { done({ ok: encode(value) }); } catch (e) { done({ error: { name: 'TypeError', message: String(e) } }); } },
  (e) => done({ error: { name: e && e.name || 'Error', message: e && e.message !== undefined ? e.message : String(e), stack: e && e.stack } }),
);`;

/**
 * The part of Playwright's `Page` that larder's contract specs use, over a WebDriver window:
 * `goto`, `reload`, `evaluate`, `waitForFunction`, `addInitScript`, `close`, `url`, `context`.
 * Specs written for Playwright run on it unchanged in a browser Playwright cannot drive.
 *
 * @remarks Differences a spec may meet: an init script runs after the page has loaded rather
 * than before its scripts; commands of all pages of a session run one at a time, so an evaluate
 * that waits for another page's evaluate never finishes.
 */
export class WebDriverPage {
  readonly #session: WebDriverSession;
  readonly #context: WebDriverContext;
  readonly #handle: string;
  readonly #baseURL: string | undefined;
  readonly #initScripts: string[] = [];
  #url = 'about:blank';
  #closed = false;

  constructor(
    session: WebDriverSession,
    context: WebDriverContext,
    handle: string,
    baseURL: string | undefined,
  ) {
    this.#session = session;
    this.#context = context;
    this.#handle = handle;
    this.#baseURL = baseURL;
  }

  context(): WebDriverContext {
    return this.#context;
  }

  url(): string {
    return this.#url;
  }

  isClosed(): boolean {
    return this.#closed;
  }

  async goto(url: string): Promise<null> {
    const absolute = new URL(url, this.#baseURL).href;
    await this.#inWindow(() => this.#session.command('POST', '/url', { url: absolute }));
    this.#url = absolute;
    await this.#runInitScripts();
    return null;
  }

  async reload(): Promise<null> {
    await this.#inWindow(() => this.#session.command('POST', '/refresh'));
    await this.#runInitScripts();
    return null;
  }

  /** Runs `script` (a function, called with `arg`) after every later `goto` and `reload`. */
  async addInitScript<Arg>(script: ((arg: Arg) => unknown) | string, arg?: Arg): Promise<void> {
    const source =
      typeof script === 'string'
        ? script
        : `(${script.toString()})(${JSON.stringify(arg === undefined ? null : arg)})`;
    this.#initScripts.push(source);
  }

  async evaluate<R, Arg>(fn: PageFunction<Arg, R>, arg?: Arg): Promise<R> {
    const isFunction = typeof fn === 'function';
    const source = isFunction ? fn.toString() : fn;
    const outcome = await this.#inWindow(() =>
      this.#session.command<{ ok?: unknown; error?: { name: string; message: string; stack?: string } }>(
        'POST',
        '/execute/async',
        { script: EVALUATE_SCRIPT, args: [source, isFunction, encode(arg)] },
      ),
    );
    if (outcome.error !== undefined) {
      const error = new Error(`page.evaluate: ${outcome.error.name}: ${outcome.error.message}`);
      if (outcome.error.stack) error.stack = `${error.message}\n${outcome.error.stack}`;
      throw error;
    }
    return decode(outcome.ok) as R;
  }

  /** Polls `fn` until it returns a truthy value, as Playwright's `waitForFunction` does. */
  async waitForFunction<R, Arg>(
    fn: PageFunction<Arg, R>,
    arg?: Arg,
    options?: { timeout?: number },
  ): Promise<R> {
    const deadline = Date.now() + (options?.timeout ?? 30_000);
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error('page.waitForFunction: timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Closes the window. By default as Playwright's `page.close()` does: the page gets `pagehide`
   * and `unload` but no `beforeunload`. With `runBeforeUnload`, as a person closing the tab: the
   * browser runs `beforeunload` first (webkit-automation-browser.py's `try_close`).
   */
  async close(options?: { runBeforeUnload?: boolean }): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (options?.runBeforeUnload === true) {
      await this.evaluate(() => void (document.title = 'larder:close-tab'));
      const deadline = Date.now() + 10_000;
      while ((await this.#session.command<string[]>('GET', '/window/handles')).includes(this.#handle)) {
        if (Date.now() > deadline) throw new Error('page.close: the tab did not close within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    } else {
      await this.#inWindow(() => this.#session.command('DELETE', '/window'));
    }
    this.#context.forget(this);
  }

  /** The handle of this page's window. */
  get handle(): string {
    return this.#handle;
  }

  async #runInitScripts(): Promise<void> {
    for (const script of this.#initScripts) await this.evaluate(script);
  }

  /** Runs `command` with this page's window current and no other command in between. */
  #inWindow<T>(command: () => Promise<T>): Promise<T> {
    return this.#session.exclusive(async () => {
      await this.#session.command('POST', '/window', { handle: this.#handle });
      return command();
    });
  }
}

/**
 * The pages one test opened, standing in for a Playwright `BrowserContext`: WebDriver has no
 * contexts, so pages of one browser share its storage (every test uses its own database names).
 */
export class WebDriverContext {
  readonly #session: WebDriverSession;
  readonly #anchor: string;
  readonly #baseURL: string | undefined;
  readonly #pages = new Set<WebDriverPage>();

  /**
   * @param session - the browser's session.
   * @param anchor - a window that stays open: WebDriver opens new windows from the current one,
   *   which must exist, and ends the session when its last window closes.
   * @param baseURL - what relative `goto` URLs resolve against.
   */
  constructor(session: WebDriverSession, anchor: string, baseURL: string | undefined) {
    this.#session = session;
    this.#anchor = anchor;
    this.#baseURL = baseURL;
  }

  pages(): WebDriverPage[] {
    return [...this.#pages];
  }

  /** Opens a new tab (a window of its own in the automation browser). */
  async newPage(): Promise<WebDriverPage> {
    const { handle } = await this.#session.exclusive(async () => {
      await this.#session.command('POST', '/window', { handle: this.#anchor });
      return this.#session.command<{ handle: string }>('POST', '/window/new', { type: 'tab' });
    });
    const page = new WebDriverPage(this.#session, this, handle, this.#baseURL);
    this.#pages.add(page);
    return page;
  }

  /** Closes every page this context opened. */
  async close(): Promise<void> {
    for (const page of this.#pages) await page.close().catch(() => undefined);
  }

  /** Called by a page as it closes. */
  forget(page: WebDriverPage): void {
    this.#pages.delete(page);
  }
}
