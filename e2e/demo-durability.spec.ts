import { expect, test } from '@playwright/test';
import { addCard, expectBoard, openBoard, shownBytes } from './support/demo-board.js';

test('an edit typed just before the tab is closed is there when the board reopens', async ({ context }) => {
  const page = await context.newPage();
  await openBoard(page);
  await addCard(page, 'To do', 'Water the plants');
  // Saved once, so that what follows is the interesting part: a second of write-behind.
  await expect.poll(() => shownBytes(page, 'pending-bytes')).toBe(0);
  await page.getByTestId('column-todo').getByRole('textbox', { name: 'Card title' }).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(' on Friday');
  // Closed at once: the typed change sits in larder's write-behind buffer (1 s in the demo), and
  // only the flush that larder starts on pagehide/visibilitychange can save it.
  await page.close();

  const again = await context.newPage();
  await openBoard(again);
  await expectBoard(again, {
    title: 'Team board',
    columns: { todo: ['Water the plants on Friday'], doing: [], done: [] },
  });
});
