import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { addCard, expectBoard, openBoard, readBoard, shownBytes } from './support/demo-board.js';

test('a backup exported from one profile imports into a fresh one as the same board', async ({
  browser,
  page,
}) => {
  await openBoard(page);
  await addCard(page, 'To do', 'Renew passport');
  await addCard(page, 'Doing', 'Paint the fence');
  // Compacted once, then edited: the backup holds a snapshot and changes.
  await page.getByRole('button', { name: 'Compact now' }).click();
  await expect(page.getByTestId('compact-status')).toHaveAttribute('data-outcome', 'compacted');
  await addCard(page, 'Done', 'Book flights');
  await page.getByRole('textbox', { name: 'Board name' }).fill('Summer plans');
  const board = {
    title: 'Summer plans',
    columns: { todo: ['Renew passport'], doing: ['Paint the fence'], done: ['Book flights'] },
  };
  await expectBoard(page, board);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export backup' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^larder-board-.*\.larder-backup$/);
  const file = test.info().outputPath('board.larder-backup');
  await download.saveAs(file);

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await openBoard(other);
    expect((await readBoard(other)).columns).toEqual({ todo: [], doing: [], done: [] });
    // A damaged copy of it is refused before anything is written: the board stays empty.
    const bytes = readFileSync(file);
    const damaged = test.info().outputPath('damaged.larder-backup');
    writeFileSync(damaged, Buffer.concat([bytes.subarray(0, 200), Buffer.from('X'), bytes.subarray(201)]));
    await other.getByLabel('Import backup').setInputFiles(damaged);
    await expect(other.getByTestId('backup-status')).toContainText('Not imported: The backup is damaged');
    const truncated = test.info().outputPath('truncated.larder-backup');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await other.getByLabel('Import backup').setInputFiles(truncated);
    await expect(other.getByTestId('backup-status')).toContainText('truncated');
    expect((await readBoard(other)).columns).toEqual({ todo: [], doing: [], done: [] });
    expect(await shownBytes(other, 'changes-bytes')).toBe(0);

    await other.getByLabel('Import backup').setInputFiles(file);
    await expect(other.getByTestId('backup-status')).toContainText('Imported');
    await expectBoard(other, board);
    await expect.poll(() => shownBytes(other, 'document-bytes')).toBeGreaterThan(0);
    await expect.poll(() => shownBytes(other, 'changes-bytes')).toBeGreaterThan(0);
    await other.reload();
    await expectBoard(other, board);

    // A second import would mix two histories: the board refuses it.
    await other.getByLabel('Import backup').setInputFiles(file);
    await expect(other.getByTestId('backup-status')).toContainText('already has data');
    await expectBoard(other, board);
  } finally {
    await fresh.close();
  }
});
