/** An error a WebDriver endpoint answered with (W3C WebDriver, "Handling errors"). */
export class WebDriverError extends Error {
  /** The error code, such as `javascript error` or `no such window`. */
  readonly error: string;
  constructor(error: string, message: string) {
    super(`${error}: ${message}`);
    this.name = 'WebDriverError';
    this.error = error;
  }
}

/**
 * One W3C WebDriver (classic) session, spoken over HTTP with `fetch`: the handful of commands
 * the WebKit driver of these tests needs, and nothing else.
 *
 * A session runs one command at a time, on its current window: {@link WebDriverSession.exclusive}
 * runs a sequence (switch to a window, then act in it) with no other command in between.
 */
export class WebDriverSession {
  readonly id: string;
  /** What the driver reported for the browser it started (`browserName`, `browserVersion`...). */
  readonly capabilities: Record<string, unknown>;
  readonly #base: string;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(base: string, id: string, capabilities: Record<string, unknown>) {
    this.#base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  /**
   * Starts a session on the driver at `driverUrl`.
   *
   * @param driverUrl - such as `http://127.0.0.1:4444`.
   * @param alwaysMatch - the capabilities the browser must have.
   */
  static async create(driverUrl: string, alwaysMatch: Record<string, unknown>): Promise<WebDriverSession> {
    const value = await send<{ sessionId: string; capabilities: Record<string, unknown> }>(
      'POST',
      `${driverUrl}/session`,
      { capabilities: { alwaysMatch } },
    );
    return new WebDriverSession(driverUrl, value.sessionId, value.capabilities);
  }

  /** Sends one command of this session, e.g. `command('POST', '/url', { url })`. */
  command<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return send<T>(method, `${this.#base}/session/${this.id}${path}`, body);
  }

  /** Runs `steps` when every earlier exclusive sequence has finished, and before any later one. */
  exclusive<T>(steps: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(steps, steps);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

async function send<T>(method: string, url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? (method === 'POST' ? '{}' : undefined) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: { value?: { error?: string; message?: string } } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new WebDriverError(
      'invalid response',
      `${method} ${url}: HTTP ${response.status} ${text.slice(0, 200)}`,
    );
  }
  const value = parsed?.value;
  if (!response.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
    throw new WebDriverError(value?.error ?? `HTTP ${response.status}`, value?.message ?? text.slice(0, 200));
  }
  return value as T;
}
