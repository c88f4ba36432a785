import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, firefox, test, type BrowserContext, type Page } from '@playwright/test';
import { openHarness } from '../support/harness.js';
import { readDataSet, WHOLE_DATA_SET, writeDataSet } from './durability-data-set.js';
import { firefoxPath, firefoxRelayPath } from './firefox-project.js';

// Durability in Firefox with a real kill: SIGKILL to every process of the browser at once
// (Firefox, its content, socket and utility processes), then a new Firefox on the same profile
// reads the store back. The hide flush is not tested here: headless Firefox keeps a page
// visible when another tab comes to the front over BiDi (bringToFront), so nothing here can
// hide a page for real; Chromium's durability.spec.ts tests that path.

interface KillableFirefox {
  context: BrowserContext;
  kill(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts Firefox on `profile`. Playwright starts the relay as the leader of a process group of
 * its own and Firefox inherits it; the relay reports its pid, so the test can kill that group.
 */
async function launchFirefox(profile: string): Promise<KillableFirefox> {
  const pidFile = join(profile, '..', `${profile.split('/').pop()}.pid`);
  const context = await firefox.launchPersistentContext(profile, {
    channel: 'moz-firefox',
    executablePath: firefoxRelayPath,
    headless: true,
    env: { ...process.env, LARDER_FIREFOX: firefoxPath, LARDER_BROWSER_PID_FILE: pidFile },
  });
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  const closed = new Promise<void>((resolve) => context.once('close', () => resolve()));
  return {
    context,
    async kill() {
      process.kill(-pid, 'SIGKILL');
      await closed;
    },
    close: () => context.close(),
  };
}

async function openPage(browser: KillableFirefox): Promise<Page> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await openHarness(page);
  return page;
}

test.describe('Firefox: durability across a SIGKILL of the browser', () => {
  let profile: string;
  let running: KillableFirefox | undefined;
  test.beforeEach(() => {
    profile = mkdtempSync(join(tmpdir(), 'larder-firefox-'));
  });
  test.afterEach(async () => {
    await running?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  });

  test('everything written before flush() resolved survives', async () => {
    // Two launches of Firefox on a new profile: the first start alone took 30 s under load here.
    test.setTimeout(180_000);
    const name = `ff-durable-flush-${Date.now()}`;
    running = await launchFirefox(profile);
    expect(await writeDataSet(await openPage(running), name, true)).toBe(0);
    await running.kill();

    running = await launchFirefox(profile);
    expect(await readDataSet(await openPage(running), name)).toEqual(WHOLE_DATA_SET);
  });
});
