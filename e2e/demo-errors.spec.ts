import { expect, test } from '@playwright/test';
import { addCard, expectBoard, openBoard } from './support/demo-board.js';

test('a full disk is reported, the edit is kept, and it is saved once there is room', async ({
  context,
  page,
}) => {
  await openBoard(page);
  // The service worker has cached (and pruned) what the page loaded: usage is settled.
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');
  const origin = new URL(page.url()).origin;
  const cdp = await context.newCDPSession(page);
  // Chromium's own quota override: the origin gets a few KB beyond what it uses now.
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 4000 });

  const note = 'A long note that will not fit on this disk. '.repeat(3).trim();
  await addCard(page, 'To do', note);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Storage is full');
  await expect(page.getByTestId('save-status')).toHaveText('Not saved');

  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await expect(page.getByTestId('save-status')).toHaveText('Saved');
  await expect(alert).toBeHidden();
  await page.reload();
  await expectBoard(page, { title: 'Team board', columns: { todo: [note], doing: [], done: [] } });
});

test('a board that cannot open says so in plain words, and reloading again is not offered as the fix', async ({
  page,
}) => {
  // The storage worker cannot start: larder's openStore rejects, and the app says so.
  await page.addInitScript(() => {
    window.Worker = class {
      constructor() {
        throw new DOMException('Workers are disabled in this browser.', 'SecurityError');
      }
    } as unknown as typeof Worker;
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'The board’s storage stopped' })).toBeVisible();
  // The browser's own words are there for whoever needs them, folded away.
  await expect(page.getByText('Workers are disabled in this browser.')).toBeHidden();
  await page.getByText('Technical details').click();
  await expect(page.getByText('Workers are disabled in this browser.')).toBeVisible();

  // Reload once; the same failure comes back, so the screen stops offering a reload that loops.
  const reload = page.getByRole('button', { name: 'Reload' });
  const buttonBox = await reload.boundingBox();
  const viewport = page.viewportSize();
  expect(buttonBox).not.toBeNull();
  // Centred under the text, as the rest of the screen is.
  expect(Math.abs(buttonBox!.x + buttonBox!.width / 2 - viewport!.width / 2)).toBeLessThan(2);
  await reload.click();
  await expect(page.getByTestId('fatal-hint')).toContainText('Reloading did not help', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Reload' })).toHaveCount(0);
});
