import { expect, test } from '@playwright/test';

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
