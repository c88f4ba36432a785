/**
 * The demo on a disk that really fills up (a Chromium profile on a 64 MiB tmpfs; Chromium's CDP
 * quota override has no effect on IndexedDB). What a person sees must follow what larder
 * reports (issue 13): typing while the disk is full turns the chip to "Not saved" and shows the
 * "Storage is full" banner with a way to free space, from the 'commit-error' event and without
 * any polling; once space is freed, larder's own retry commits the buffer, the chip says
 * "Saved", the banner goes, and a reload shows every card.
 */
import { expect, test, type Page } from '@playwright/test';
import { launchRealBrowser, type RealBrowser } from '../support/real-browser.js';
import { mountTmpfs, type Tmpfs } from './support/tmpfs.js';

const DISK_MIB = 64;

/** Fills the origin's storage with a raw IndexedDB database until the disk refuses; returns MiB. */
function fillDisk(harness: Page): Promise<{ bytes: number; error: string }> {
  return harness.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ballast', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('b');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const put = (key: number, size: number) =>
      new Promise<string | undefined>((resolve) => {
        const bytes = new Uint8Array(size);
        // Incompressible, so the disk fills as fast as the bytes say.
        crypto.getRandomValues(bytes.subarray(0, Math.min(size, 65_536)));
        for (let i = 65_536; i < size; i += 65_536) bytes.copyWithin(i, 0, 65_536);
        for (let i = 0; i < size; i += 4096) bytes[i] = (key * 131 + i) & 0xff;
        const tx = db.transaction('b', 'readwrite', { durability: 'strict' });
        tx.objectStore('b').put(bytes, key);
        tx.oncomplete = () => resolve(undefined);
        tx.onabort = () => resolve(tx.error?.name ?? 'AbortError');
      });
    let bytes = 0;
    let key = 0;
    let error = '';
    // Big steps, then small ones: the disk ends up full to within a few KiB.
    for (const size of [1 << 20, 1 << 16, 1 << 12]) {
      for (;;) {
        const failed = await put(key++, size);
        if (failed !== undefined) {
          error = failed;
          break;
        }
        bytes += size;
      }
    }
    db.close();
    return { bytes, error };
  });
}

test('typing on a full disk: the chip and the banner say so, freeing space saves it all, a reload shows it', async ({
  baseURL,
}) => {
  test.setTimeout(240_000);
  let disk: Tmpfs | undefined;
  let browser: RealBrowser | undefined;
  try {
    disk = mountTmpfs(DISK_MIB);
    browser = await launchRealBrowser(disk.dir);
    const board = await browser.context.newPage();
    await board.goto(`${baseURL}/`);
    const title = board.getByRole('textbox', { name: 'Board name' });
    await expect(title).toBeVisible({ timeout: 60_000 });
    await board.getByRole('button', { name: 'Add card to To do' }).click();
    await board.keyboard.type('Before the disk filled');
    await expect(board.getByTestId('save-status')).toHaveText('Saved', { timeout: 30_000 });

    const harness = await browser.openHarness(baseURL);
    const filled = await fillDisk(harness);
    console.log(`[demo-full-disk] filled ${(filled.bytes / 2 ** 20).toFixed(1)} MiB, then ${filled.error}`);
    expect(filled.error).toBe('QuotaExceededError');

    // Typing goes on: larder keeps the writes buffered and tells the app the commit failed.
    await board.getByRole('button', { name: 'Add card to Doing' }).click();
    await board.keyboard.type('Typed on a full disk, '.repeat(40));
    await expect(board.getByTestId('save-status')).toHaveText('Not saved', { timeout: 30_000 });
    const banner = board.locator('#banner');
    await expect(banner).toContainText('Storage is full');
    await expect(banner.getByRole('button', { name: 'Compact now' })).toBeVisible();
    await expect(board.getByTestId('pending-bytes')).toContainText('not saved');

    // Free the space: larder's retry (no click, no reload) commits what was buffered.
    await harness.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.deleteDatabase('ballast');
          req.onsuccess = () => resolve();
          req.onerror = () => reject(req.error);
        }),
    );
    await expect(board.getByTestId('save-status')).toHaveText('Saved', { timeout: 60_000 });
    await expect(board.getByTestId('pending-bytes')).toHaveAttribute('data-bytes', '0');
    await expect(banner).toBeHidden();

    await board.reload();
    await expect(title).toBeVisible({ timeout: 60_000 });
    const cards = board.locator('[data-testid="card"] textarea');
    await expect(cards).toHaveCount(2);
    await expect(board.locator('[data-testid="column-doing"] [data-testid="card"] textarea')).toHaveValue(
      'Typed on a full disk, '.repeat(40),
    );
  } finally {
    await browser?.close();
    disk?.unmount();
  }
});
