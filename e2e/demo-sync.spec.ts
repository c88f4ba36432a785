import { expect, test } from '@playwright/test';
import {
  addCard,
  expectBoard,
  openBoard,
  plantSyncState,
  readBoard,
  shownBytes,
} from './support/demo-board.js';

test('two tabs edit one board, converge, and a reload keeps everything', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openBoard(a);
  await openBoard(b);
  await expect(a.getByTestId('peer-status')).toHaveText('1 other tab');

  await addCard(a, 'To do', 'Buy milk');
  await addCard(b, 'Doing', 'Write the report');
  await addCard(a, 'To do', 'Call the plumber');
  await b.getByRole('textbox', { name: 'Board name' }).fill('Home and work');

  const expected = {
    title: 'Home and work',
    columns: { todo: ['Buy milk', 'Call the plumber'], doing: ['Write the report'], done: [] },
  };
  await expectBoard(a, expected);
  await expectBoard(b, expected);

  // Both tabs type into the same card at once: Automerge merges the text, both tabs agree.
  const inA = a.getByTestId('column-todo').getByRole('textbox', { name: 'Card title' }).first();
  const inB = b.getByTestId('column-todo').getByRole('textbox', { name: 'Card title' }).first();
  await inA.click();
  await a.keyboard.press('End');
  await inB.click();
  await b.keyboard.press('Home');
  await Promise.all([a.keyboard.type(' and eggs'), b.keyboard.type('Please ')]);
  await expect.poll(async () => (await readBoard(a)).columns.todo[0]).toBe('Please Buy milk and eggs');
  await expect.poll(async () => (await readBoard(b)).columns.todo[0]).toBe('Please Buy milk and eggs');

  // Reorder, move across columns and delete in one tab; the other follows.
  const second = b.getByTestId('column-todo').getByTestId('card').nth(1);
  await second.getByRole('button', { name: 'Move up' }).click();
  const writing = b.getByTestId('column-doing').getByTestId('card').first();
  await writing.getByRole('button', { name: 'Move to Done' }).click();
  await addCard(a, 'Done', 'Old chore');
  await expect.poll(async () => (await readBoard(b)).columns.done).toEqual(['Write the report', 'Old chore']);
  const deleteOldChore = () =>
    b
      .getByTestId('column-done')
      .getByTestId('card')
      .nth(1)
      .getByRole('button', { name: 'Delete card' })
      .click();
  await deleteOldChore();
  await expect.poll(async () => (await readBoard(a)).columns.done).toEqual(['Write the report']);
  // Undo puts the card back, in both tabs; then it goes for good.
  await b.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await readBoard(a)).columns.done).toEqual(['Write the report', 'Old chore']);
  await deleteOldChore();

  const final = {
    title: 'Home and work',
    columns: {
      todo: ['Call the plumber', 'Please Buy milk and eggs'],
      doing: [],
      done: ['Write the report'],
    },
  };
  await expectBoard(a, final);
  await expectBoard(b, final);

  await b.reload();
  await expectBoard(b, final);
  await a.close();
  await b.reload();
  await expectBoard(b, final);
});

test('sync states of tabs not seen for weeks are removed, recent ones kept', async ({ context, page }) => {
  const day = 24 * 60 * 60 * 1000;
  await plantSyncState(context, 'aa'.repeat(16) + 'bb'.repeat(16), Date.now() - 30 * day);
  await plantSyncState(context, 'cc'.repeat(16) + 'dd'.repeat(16), Date.now() - day);
  await openBoard(page);
  await expect(page.getByTestId('sync-bytes')).toContainText('1 state');
  expect(await shownBytes(page, 'sync-bytes')).toBe(11);
});
