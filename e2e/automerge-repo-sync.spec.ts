/**
 * Past one machine: the automerge-repo example (examples/automerge-repo/, a Repo on
 * LarderStorageAdapter with the WebSocket client adapter) on two devices, each a Chromium of its
 * own on a profile directory of its own, syncing through automerge-repo's own sync server
 * (examples/sync-server/server.mjs), which each test runs as a child process on a free port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.js';
import { makeProfile, removeProfile } from './support/real-browser.js';
import { startSyncServer, type SyncServerProcess } from './support/sync-server.js';

test.setTimeout(180_000);

/** One device: a browser on a profile directory that only it uses, with the example open. */
interface Device {
  page: Page;
  close(): Promise<void>;
  /** Closes the browser and deletes its profile: every byte the device kept is gone. */
  wipe(): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
const pageErrors: string[] = [];
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  expect(pageErrors.splice(0), 'errors thrown in the example page').toEqual([]);
});

function syncServer(): Promise<SyncServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'larder-sync-server-'));
  return startSyncServer(dataDir).then((server) => {
    cleanups.push(async () => {
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return server;
  });
}

/**
 * Opens the example on a new device. Without `listUrl` the page creates a list; with it, the
 * device opens that list (from its own storage, else from the server).
 */
async function openDevice(
  baseURL: string | undefined,
  server: SyncServerProcess,
  listUrl = '',
): Promise<Device> {
  const profile = makeProfile();
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    baseURL,
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await context.close();
  };
  cleanups.push(async () => {
    await close();
    removeProfile(profile);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`/examples/automerge-repo/?server=${encodeURIComponent(server.url)}${listUrl}`);
  await expect(page.locator('#app')).toHaveAttribute('data-state', 'ready');
  return {
    page,
    close,
    async wipe() {
      await close();
      removeProfile(profile);
    },
  };
}

/** The list's address (the part after the page's path) that another device opens. */
async function listAddress(device: Device): Promise<string> {
  const hash = await device.page.evaluate(() => location.hash);
  expect(hash).toMatch(/^#automerge:/);
  return hash;
}

async function addItem(device: Device, text: string): Promise<void> {
  await device.page.getByLabel('New item').fill(text);
  await device.page.getByRole('button', { name: 'Add' }).click();
  await expect(device.page.getByRole('listitem').filter({ hasText: text })).toHaveCount(1);
}

async function countOne(device: Device, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await device.page.getByRole('button', { name: 'Count one' }).click();
}

const itemTexts = (device: Device): Promise<string[]> =>
  device.page.getByRole('list', { name: 'Items' }).getByRole('listitem').locator('span').allTextContents();

/** Waits until the device shows exactly `items` (in any order) and the count `count`. */
async function expectList(device: Device, items: string[], count: number): Promise<void> {
  await expect
    .poll(async () => (await itemTexts(device)).sort(), { timeout: 30_000 })
    .toEqual([...items].sort());
  await expect(device.page.getByRole('status', { name: 'Count' })).toHaveText(String(count));
}

/** How long a device may take to connect, or to reconnect once the server is back. */
const RECONNECT_MS = 30_000;

const connection = (device: Device) => device.page.getByRole('status', { name: 'Connection' });
const saved = (device: Device) => device.page.getByRole('status', { name: 'Saved' });

test('two devices edit offline, reconnect and converge', async ({ baseURL }) => {
  const server = await syncServer();
  const a = await openDevice(baseURL, server);
  await addItem(a, 'milk');
  const b = await openDevice(baseURL, server, await listAddress(a));
  await expectList(b, ['milk'], 0);

  await server.kill();
  await expect(connection(a)).toHaveText(/Offline/);
  await expect(connection(b)).toHaveText(/Offline/);
  await addItem(a, 'apples');
  await countOne(a, 2);
  await addItem(b, 'bread');
  await countOne(b, 3);
  // Each device has only its own edits while they cannot reach each other.
  await expectList(a, ['milk', 'apples'], 2);
  await expectList(b, ['milk', 'bread'], 3);

  await server.restart();
  // Reconnecting is automerge-repo's WebSocket client retrying each second; on a loaded CI
  // machine it once took longer than expect's default 5 s. What this test checks is that
  // nothing is lost once it does, so it waits as long as expectList does.
  await expect(connection(a)).toHaveText(/Connected/, { timeout: RECONNECT_MS });
  await expect(connection(b)).toHaveText(/Connected/, { timeout: RECONNECT_MS });
  // Both keep every item and the counter adds both devices' counts: nothing overwritten.
  await expectList(a, ['milk', 'apples', 'bread'], 5);
  await expectList(b, ['milk', 'apples', 'bread'], 5);
  expect(await itemTexts(a)).toEqual(await itemTexts(b));
});

test('a wiped device restores everything from the server, then keeps it without the server', async ({
  baseURL,
}) => {
  const server = await syncServer();
  const a = await openDevice(baseURL, server);
  await addItem(a, 'milk');
  await addItem(a, 'eggs');
  await countOne(a, 1);
  const address = await listAddress(a);
  const b = await openDevice(baseURL, server, address);
  await expectList(b, ['milk', 'eggs'], 1);
  await addItem(b, 'tea');
  await expectList(a, ['milk', 'eggs', 'tea'], 1);

  // The server is now the only place the list is still open: A is closed, B is wiped.
  await a.close();
  await b.wipe();
  const restored = await openDevice(baseURL, server, address);
  await expectList(restored, ['milk', 'eggs', 'tea'], 1);
  await expect(saved(restored)).toHaveText('Saved on this device');

  // What came from the server is in larder: with the server gone, a reload still shows it.
  await server.kill();
  await restored.page.reload();
  await expect(restored.page.locator('#app')).toHaveAttribute('data-state', 'ready');
  await expect(connection(restored)).toHaveText(/Offline/);
  await expectList(restored, ['milk', 'eggs', 'tea'], 1);
});

test('the server is killed and restarted mid-session and nothing is lost', async ({ baseURL }) => {
  const server = await syncServer();
  const a = await openDevice(baseURL, server);
  const address = await listAddress(a);
  const b = await openDevice(baseURL, server, address);
  await expect(connection(b)).toHaveText(/Connected/, { timeout: RECONNECT_MS });

  const expected: string[] = [];
  for (let round = 1; round <= 6; round++) {
    // Killed right after a round of edits, while they are on the wire or in the server's
    // debounced save; edits go on while it is down; it comes back on the same data directory.
    if (round === 3) await server.kill();
    if (round === 5) await server.restart();
    await addItem(a, `a${round}`);
    await addItem(b, `b${round}`);
    await countOne(a, 1);
    expected.push(`a${round}`, `b${round}`);
  }
  await expectList(a, expected, 6);
  await expectList(b, expected, 6);

  // The server kept all of it on its disk: both devices are closed, the server restarts
  // (SIGTERM: it saves what it holds), and a new device gets the whole list from it alone.
  await expect(saved(a)).toHaveText('Saved on this device');
  await a.close();
  await b.close();
  await server.stop();
  await server.restart();
  const c = await openDevice(baseURL, server, address);
  await expectList(c, expected, 6);
});
