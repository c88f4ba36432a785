import { expect, test } from '@playwright/test';
import { addCard, expectBoard, openBoard } from './support/demo-board.js';

test('with the network off, a reload still opens the app and its board', async ({ context, page }) => {
  await openBoard(page);
  await addCard(page, 'To do', 'Pack an umbrella');
  // The service worker has cached everything the page and larder's worker loaded.
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');

  await context.setOffline(true);
  await page.reload();
  await expectBoard(page, {
    title: 'Team board',
    columns: { todo: ['Pack an umbrella'], doing: [], done: [] },
  });
  // The network really is off for the service worker too: a URL it never cached cannot load.
  const uncached = await page.evaluate(() =>
    fetch(`/e2e/harness.html?nocache=${Math.random()}`).then(
      () => 'loaded',
      () => 'failed',
    ),
  );
  expect(uncached).toBe('failed');

  // Still a working app: an edit made offline is kept.
  await addCard(page, 'Doing', 'Written offline');
  await page.reload();
  await expectBoard(page, {
    title: 'Team board',
    columns: { todo: ['Pack an umbrella'], doing: ['Written offline'], done: [] },
  });
});
