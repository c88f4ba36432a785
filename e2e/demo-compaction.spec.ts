import { expect, test, type Page } from '@playwright/test';
import {
  addCard,
  checkExclusive,
  expectBoard,
  holdLease,
  leaseHistory,
  openBoard,
  readBoard,
  shownBytes,
} from './support/demo-board.js';

test('compaction shrinks the stored changes and the board still loads', async ({ page }) => {
  await openBoard(page);
  await addCard(page, 'To do', 'Sort the recycling');
  await addCard(page, 'To do', 'Fix the bike light');
  await addCard(page, 'Doing', 'Learn the ukulele');
  const board = await readBoard(page);
  await waitSaved(page);
  const before = await shownBytes(page, 'changes-bytes');
  expect(before).toBeGreaterThan(0);
  expect(await shownBytes(page, 'document-bytes')).toBe(0);

  await page.getByRole('button', { name: 'Compact now' }).click();
  await expect(page.getByTestId('compact-status')).toHaveAttribute('data-outcome', 'compacted');
  await expect.poll(() => shownBytes(page, 'changes-bytes')).toBe(0);
  const snapshot = await shownBytes(page, 'document-bytes');
  expect(snapshot).toBeGreaterThan(0);
  // One change per keystroke against one compressed snapshot.
  expect(snapshot).toBeLessThan(before);
  await expect(page.getByTestId('compactions')).toHaveAttribute('data-count', '1');

  await page.reload();
  await expectBoard(page, board);
  // Edits after a compaction are changes again, on top of the snapshot.
  await addCard(page, 'Done', 'Compacted once');
  await waitSaved(page);
  await page.reload();
  await expectBoard(page, { ...board, columns: { ...board.columns, done: ['Compacted once'] } });
});

test('two tabs pressing "Compact now" together never both compact', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openBoard(a);
  await openBoard(b);
  for (let i = 0; i < 4; i++) {
    await addCard(a, 'To do', `Task ${i} from tab A`);
    await addCard(b, 'Doing', `Task ${i} from tab B`);
  }
  // Tab B's last keystrokes can still be on their way to tab A (writes resolve once queued, and
  // the other tab hears of them after their commit): wait until both tabs show every card.
  const typed = (tab: string) => [0, 1, 2, 3].map((i) => `Task ${i} from tab ${tab}`);
  for (const tab of [a, b]) {
    await expect
      .poll(async () => {
        const { columns } = await readBoard(tab);
        return [columns.todo, columns.doing];
      })
      .toEqual([typed('A'), typed('B')]);
  }
  const board = await readBoard(a);
  await expectBoard(b, board);

  for (let round = 1; round <= 3; round++) {
    // Both tabs press the button on one BroadcastChannel message: as close to "together" as
    // two tabs get, so both read the same lease head and race on compareAndSet.
    await Promise.all([a, b].map((p) => armCompactButton(p)));
    await a.evaluate(() => new BroadcastChannel('demo-test-go').postMessage('go'));
    const outcomes = await Promise.all(
      [a, b].map(async (p) => {
        const status = p.getByTestId('compact-status');
        await expect(status).toHaveAttribute('data-outcome', /compacted|busy/);
        await expect(p.getByRole('button', { name: 'Compact now' })).toBeEnabled();
        const outcome = (await status.getAttribute('data-outcome')) ?? '';
        await status.evaluate((el) => el.removeAttribute('data-outcome'));
        return outcome;
      }),
    );
    expect(outcomes).toContain('compacted');
    // The lease's linearizable history shows one holder at a time, and exactly as many
    // completed compactions as tabs that reported one.
    const history = await leaseHistory(context);
    const compacted = outcomes.filter((o) => o === 'compacted').length;
    test.info().annotations.push({ type: `round ${round}`, description: outcomes.join(', ') });
    expect(checkExclusive(history)).toBe(history.at(-1)?.record.note?.compactions);
    expect(history.filter((v) => v.record.state === 'released').length).toBeGreaterThanOrEqual(compacted);
  }
  const total = (await leaseHistory(context)).at(-1)?.record.note?.compactions ?? 0;
  await expect(a.getByTestId('compactions')).toHaveAttribute('data-count', String(total));

  await a.reload();
  await expectBoard(a, board);
});

test('a lease held by another tab blocks compaction; that tab closing frees it at once', async ({
  context,
  page,
}) => {
  await openBoard(page);
  await addCard(page, 'To do', 'Wait for the lease');
  await waitSaved(page);
  const before = await shownBytes(page, 'changes-bytes');

  // Another tab holds the lease, for a minute unless it lets go.
  const holder = await holdLease(context, 'ghost-tab-0001');
  await page.getByRole('button', { name: 'Compact now' }).click();
  await expect(page.getByTestId('compact-status')).toHaveAttribute('data-outcome', 'busy');
  await expect(page.getByTestId('compact-status')).toContainText('Another tab is compacting');
  expect(await shownBytes(page, 'changes-bytes')).toBe(before);
  expect(await shownBytes(page, 'document-bytes')).toBe(0);

  // The holder tab closes: its Web Lock goes with it, and the lease is free long before its
  // claim would have expired.
  await holder.close();
  // The closed tab's Web Lock is released asynchronously: under load a press right after the
  // close can still find it held ('busy'). Press again until it compacts, well within the
  // minute the holder's claim would have lasted.
  await expect(async () => {
    await page.getByRole('button', { name: 'Compact now' }).click();
    await expect(page.getByTestId('compact-status')).toHaveAttribute('data-outcome', 'compacted', {
      timeout: 2000,
    });
  }).toPass({ timeout: 20_000 });
  await expect.poll(() => shownBytes(page, 'changes-bytes')).toBe(0);
  const history = await leaseHistory(context);
  expect(history.map((v) => v.record.holder)).toContain('ghost-tab-0001');
  expect(history.at(-1)?.record).toMatchObject({ state: 'released', note: { compactions: 1 } });
});

/** Waits until the inspector shows the changes stored and nothing left in the write buffer. */
async function waitSaved(page: Page): Promise<void> {
  await expect.poll(() => shownBytes(page, 'changes-bytes')).toBeGreaterThan(0);
  await expect.poll(() => shownBytes(page, 'pending-bytes')).toBe(0);
}

/** Makes the tab press "Compact now" when a message arrives on the test's BroadcastChannel. */
async function armCompactButton(page: Page): Promise<void> {
  await page.evaluate(() => {
    const channel = new BroadcastChannel('demo-test-go');
    channel.onmessage = () => {
      channel.close();
      const button = Array.from(document.querySelectorAll('button')).find(
        (b) => b.textContent === 'Compact now',
      );
      button?.click();
    };
  });
}
