import { expect, test, type Page } from '@playwright/test';
import { addCard, openBoard } from './support/demo-board.js';

/**
 * Where the screenshots go: the test's output directory, or the committed demo/screenshots/ when
 * UPDATE_DEMO_SCREENSHOTS is set, so an ordinary test run leaves the working tree alone.
 */
function shot(name: string): string {
  return process.env['UPDATE_DEMO_SCREENSHOTS'] ? `demo/screenshots/${name}` : test.info().outputPath(name);
}
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 820, height: 1180 };
const DESKTOP = { width: 1280, height: 860 };

/** Fills the board with what a small team's week looks like. */
async function fillBoard(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: 'Board name' }).fill('Launch week');
  await addCard(page, 'To do', 'Write the release notes');
  await addCard(page, 'To do', 'Record a two-minute demo video for the landing page');
  await addCard(page, 'To do', 'Email the beta testers');
  await addCard(page, 'Doing', 'Fix the sync bug on Safari');
  await addCard(page, 'Doing', 'Review the pricing page copy');
  await addCard(page, 'Done', 'Ship offline mode');
}

test('screenshots of the board and the inspector, at phone and desktop widths', async ({ browser }) => {
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const desktop = await context.newPage();
    await openBoard(desktop);
    await fillBoard(desktop);
    await desktop.getByRole('button', { name: 'Compact now' }).click();
    await expect(desktop.getByTestId('compact-status')).toHaveAttribute('data-outcome', 'compacted');
    await addCard(desktop, 'Done', 'Set up the status page');

    // A second tab, at phone width: the two sync, and each shows the other.
    const phone = await context.newPage();
    await phone.setViewportSize(PHONE);
    await openBoard(phone);
    await expect(phone.getByTestId('peer-status')).toHaveText('1 other tab');
    await expect(phone.getByTestId('column-done').getByTestId('card')).toHaveCount(2);
    await expect(desktop.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');
    await desktop.bringToFront();
    await desktop.locator(':focus').blur();
    await desktop.mouse.move(0, 0);
    await expect(desktop.getByTestId('save-status')).toHaveText('Saved');
    // Each tab keeps a sync state about the other.
    await expect(desktop.getByTestId('sync-bytes')).toContainText('2 states');
    await desktop.screenshot({ path: shot('desktop-board.png'), fullPage: true });
    // Clipped from the whole page, so the sticky header never covers the panel's top.
    const box = await desktop.getByRole('complementary', { name: 'Storage' }).boundingBox();
    expect(box).not.toBeNull();
    const { x, y, width, height } = box!;
    await desktop.screenshot({
      path: shot('desktop-inspector.png'),
      fullPage: true,
      clip: { x: x - 16, y: y - 16, width: width + 32, height: height + 32 },
    });
    await desktop.setViewportSize(TABLET);
    await desktop.screenshot({ path: shot('tablet-board.png'), fullPage: true });

    await phone.bringToFront();
    await expect(phone.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');
    await expect(phone.getByTestId('save-status')).toHaveText('Saved');
    await phone.screenshot({ path: shot('phone-board.png') });
    await phone.screenshot({ path: shot('phone-board-full.png'), fullPage: true });
    await phone.getByRole('button', { name: 'Storage' }).click();
    await expect(phone.getByRole('complementary', { name: 'Storage' })).toBeVisible();
    await phone.screenshot({ path: shot('phone-inspector.png'), fullPage: true });

    // Deleting a card offers an undo in a toast that uses the phone's width, centred.
    await phone.getByRole('button', { name: 'Board' }).click();
    await phone.getByTestId('column-todo').getByRole('button', { name: 'Delete card' }).nth(1).click();
    const toast = phone.getByRole('status').filter({ hasText: 'Deleted' });
    await expect(toast).toContainText('Undo');
    const t = (await toast.boundingBox())!;
    expect(t.width).toBeGreaterThan(PHONE.width * 0.75);
    expect(Math.abs(t.x + t.width / 2 - PHONE.width / 2)).toBeLessThan(2);
    await phone.screenshot({ path: shot('phone-toast.png') });
  } finally {
    await context.close();
  }
});

test('a screenshot of the empty board, at phone width', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await openBoard(page);
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');
    await page.screenshot({ path: shot('phone-empty.png') });
  } finally {
    await context.close();
  }
});

test('screenshot of the error screen, at phone width', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.Worker = class {
        constructor() {
          throw new DOMException('Workers are disabled in this browser.', 'SecurityError');
        }
      } as unknown as typeof Worker;
    });
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible({ timeout: 30_000 });
    await page.getByText('Technical details').click();
    await page.screenshot({ path: shot('phone-error.png') });
  } finally {
    await context.close();
  }
});
