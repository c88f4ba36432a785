import { expect, test } from '@playwright/test';
import { addCard, expectBoard, openBoard } from './support/demo-board.js';

test('a full disk is reported, the edit is kept, and it is saved once there is room', async ({
  context,
  page,
}) => {
  await openBoard(page);
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

test('a board that cannot open shows what happened instead of a blank page', async ({ page }) => {
  // The storage worker cannot start: larder's openStore rejects, and the app says so.
  await page.addInitScript(() => {
    window.Worker = class {
      constructor() {
        throw new DOMException('Workers are disabled in this browser.', 'SecurityError');
      }
    } as unknown as typeof Worker;
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
  await expect(page.getByText('Workers are disabled in this browser.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
});
