import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../playwright.config.js';

/** A Chromium that this test started as an OS process, on a profile directory it chose. */
export interface RealBrowser {
  /** The profile's default context: its storage is the profile directory's. */
  context: BrowserContext;
  /**
   * Kills every process of this browser with SIGKILL, at once: no shutdown, no flush,
   * as when the machine's power fails for the browser (but not for the OS page cache).
   */
  kill(): Promise<void>;
  /** Closes the browser normally. */
  close(): Promise<void>;
  /**
   * Hides the page that is in front, for real: drops Playwright's connection (whose focus
   * emulation keeps every page it drives "visible") and opens a new foreground tab through the
   * DevTools HTTP endpoint. After this, observe pages only with {@link RealBrowser.titles}.
   */
  hideCurrentTab(): Promise<void>;
  /** The titles of the open pages, read over HTTP without attaching to them. */
  titles(): Promise<string[]>;
  /** Opens the test harness (larder on `window.larder`) in a new page of this browser. */
  openHarness(baseURL: string | undefined): Promise<Page>;
}

/** Makes a fresh profile directory; remove it with {@link removeProfile}. */
export function makeProfile(): string {
  return mkdtempSync(join(tmpdir(), 'larder-profile-'));
}

/** Removes a profile directory made by {@link makeProfile}. */
export function removeProfile(dir: string): void {
  // Retries: a utility process of a browser that just exited can still be writing into the
  // profile (CI once failed here with ENOTEMPTY after a normal close()).
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

/**
 * Starts Chromium on `profileDir` as a process of its own group, and connects Playwright to it
 * over CDP. Playwright's own launchers own the process and close it gracefully; a durability test
 * needs a process it can kill.
 *
 * @param profileDir - the user data directory; relaunch on the same one to see what survived.
 */
export async function launchRealBrowser(profileDir: string): Promise<RealBrowser> {
  const executable = chromiumPath ?? chromium.executablePath();
  rmSync(join(profileDir, 'DevToolsActivePort'), { force: true });
  const child = spawn(
    executable,
    [
      ...chromiumArgs,
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profileDir}`,
      '--no-default-browser-check',
      'about:blank',
    ],
    // Its own process group, so kill() reaches the renderers and the storage service too.
    { detached: true, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await waitForPort(profileDir, child);
  const browser: Browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const context = browser.contexts()[0];
  if (context === undefined) throw new Error('Chromium started without a default context');
  const devtools = `http://127.0.0.1:${port}`;
  return {
    context,
    async hideCurrentTab() {
      await browser.close();
      const res = await fetch(`${devtools}/json/new?about:blank`, { method: 'PUT' });
      if (!res.ok) throw new Error(`Could not open a tab: HTTP ${res.status}`);
    },
    async openHarness(baseURL) {
      const page = await context.newPage();
      await page.goto(`${baseURL}/e2e/harness.html`);
      await page.waitForFunction(() => typeof window.larder !== 'undefined');
      return page;
    },
    async titles() {
      const targets = (await (await fetch(`${devtools}/json/list`)).json()) as Array<{ title: string }>;
      return targets.map((t) => t.title);
    },
    async kill() {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      await exited;
      if (child.pid !== undefined) await groupGone(child.pid);
      await browser.close().catch(() => undefined);
    },
    async close() {
      await browser.close().catch(() => undefined);
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
      // The browser process exits before its utility processes; the profile is theirs until then.
      if (child.pid !== undefined) await groupGone(child.pid);
    },
  };
}

/**
 * Waits until no live process of the process group `pgid` is left. The browser process exits
 * first; its storage process can still hold the profile's IndexedDB files for a moment, and a
 * browser relaunched on the profile then fails to open them ("Internal error opening backing
 * store for indexedDB.open", seen in the SIGKILL loop under load), after which Chromium starts
 * the origin's IndexedDB afresh: every database gone. A person restarting a crashed browser is
 * never that quick. Zombies are not waiting for anything (Linux: /proc/<pid>/stat).
 */
async function groupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const alive = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .some((pid) => {
        try {
          // "pid (comm) state ppid pgrp ...": comm may hold spaces, so read after its ')'.
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return Number(pgrp) === pgid && state !== 'Z';
        } catch {
          return false; // gone while we looked
        }
      });
    if (!alive) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`processes of the killed browser (group ${pgid}) still alive after 10 s`);
}

async function waitForPort(profileDir: string, child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Chromium exited with ${child.exitCode}`);
    try {
      const [port] = readFileSync(join(profileDir, 'DevToolsActivePort'), 'utf8').split('\n');
      if (port !== undefined && /^\d+$/.test(port)) return Number(port);
    } catch {
      // Not written yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('Chromium did not report its DevTools port');
}
