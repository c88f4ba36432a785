import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../../playwright.config.js';

/**
 * A Chromium driven over the DevTools protocol alone, without Playwright.
 *
 * @remarks
 * Playwright turns on focus emulation in every page it attaches to, which keeps the page
 * visible, and Chromium never freezes a visible page: `Page.setWebLifecycleState('frozen')` then
 * does nothing (timers keep running, `versionchange` is still delivered). A tab that a test
 * must really freeze therefore lives in a browser that Playwright does not attach to. The
 * protocol runs over `--remote-debugging-pipe`, so no WebSocket client is needed.
 */
export interface BareBrowser {
  /** Opens `url` in a new tab, waits for larder on `window.larder`, and loads `window.fp`. */
  openHarness(url: string): Promise<BareTab>;
  /** Closes the browser and waits for its processes to end. */
  close(): Promise<void>;
}

/** One tab of a {@link BareBrowser}. */
export interface BareTab {
  /**
   * Runs `fn(arg)` in the page, awaits it, and resolves its result, which must be
   * JSON-serialisable. `fn` is sent as source: it may use only its argument and page globals.
   */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Sends a DevTools command to this tab, such as `Page.setWebLifecycleState`. */
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
}

interface Reply {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

/**
 * Starts Chromium on `profileDir` with the DevTools protocol on a pipe.
 *
 * @param profileDir - the user data directory.
 */
export async function launchBareBrowser(profileDir: string): Promise<BareBrowser> {
  const child = spawn(
    chromiumPath ?? chromium.executablePath(),
    [
      ...chromiumArgs,
      '--headless',
      '--remote-debugging-pipe',
      `--user-data-dir=${profileDir}`,
      '--no-default-browser-check',
      'about:blank',
    ],
    // fd 3 carries commands to Chromium, fd 4 its replies; its own process group, to kill it whole.
    { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const waiting = new Map<number, (reply: Reply) => void>();
  let nextId = 0;
  let buffered = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end: number;
    // Messages are JSON, each ended by a NUL byte.
    while ((end = buffered.indexOf('\0')) >= 0) {
      const reply = JSON.parse(buffered.slice(0, end)) as Reply;
      buffered = buffered.slice(end + 1);
      if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
      if (reply.id !== undefined) waiting.delete(reply.id);
    }
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (reply) =>
        reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolve(reply.result),
      );
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const tab = (sessionId: string): BareTab => ({
    send: (method, params) => send(method, params, sessionId),
    async evaluate(fn, arg) {
      const result = (await send(
        'Runtime.evaluate',
        {
          expression: `(${fn.toString()})(${JSON.stringify(arg)})`,
          awaitPromise: true,
          returnByValue: true,
        },
        sessionId,
      )) as {
        result: { value?: unknown };
        exceptionDetails?: { exception?: { description?: string }; text: string };
      };
      if (result.exceptionDetails) {
        throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text);
      }
      return result.result.value as never;
    },
  });

  return {
    async openHarness(url) {
      const { targetId } = (await send('Target.createTarget', { url })) as { targetId: string };
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as {
        sessionId: string;
      };
      const t = tab(sessionId);
      const deadline = Date.now() + 30_000;
      while (!(await t.evaluate(() => typeof window.larder !== 'undefined', null).catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`larder did not load in ${url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await t.evaluate(async () => {
        const url = '/e2e/faults/support/fault-page.ts';
        window.fp = (await import(url)) as typeof window.fp;
      }, null);
      return t;
    },
    async close() {
      await send('Browser.close').catch(() => undefined);
      const killed = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(killed);
    },
  };
}
