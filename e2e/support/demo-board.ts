import { expect, type BrowserContext, type Page } from '@playwright/test';
import { openHarness } from './harness.js';

/** The demo's store and document (demo/app.ts). */
export const DEMO_STORE = 'larder-demo';
/** The board's compaction lease (`store.lease`), and the consensus key that holds its record. */
export const LEASE = 'compaction/board';
export const LEASE_KEY = `larder:lease:${LEASE}`;
/** How long a compaction lease lasts (demo/compaction.ts). */
export const LEASE_TTL_MS = 15_000;

export type ColumnName = 'To do' | 'Doing' | 'Done';

/** What a person sees on the board. */
export interface BoardSnapshot {
  title: string;
  columns: Record<'todo' | 'doing' | 'done', string[]>;
}

/** Opens the demo and waits until the board is on screen. */
export async function openBoard(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('textbox', { name: 'Board name' })).toBeVisible();
}

/** Adds a card to a column and types its title, the way a person does. */
export async function addCard(page: Page, column: ColumnName, title: string): Promise<void> {
  await page.getByRole('button', { name: `Add card to ${column}` }).click();
  const field = page.getByRole('textbox', { name: 'Card title' }).and(page.locator(':focus'));
  await expect(field).toBeVisible();
  await page.keyboard.type(title);
}

/** Reads the board as it is rendered. */
export function readBoard(page: Page): Promise<BoardSnapshot> {
  return page.evaluate(() => {
    const titles = (status: string) =>
      Array.from(
        document.querySelectorAll<HTMLTextAreaElement>(
          `[data-testid="column-${status}"] [data-testid="card"] textarea`,
        ),
        (t) => t.value,
      );
    return {
      title: document.querySelector<HTMLInputElement>('input[aria-label="Board name"]')?.value ?? '',
      columns: { todo: titles('todo'), doing: titles('doing'), done: titles('done') },
    };
  });
}

/** Waits until the board shows `expected`. */
export async function expectBoard(page: Page, expected: BoardSnapshot): Promise<void> {
  await expect.poll(() => readBoard(page)).toEqual(expected);
}

/** The byte count an inspector row shows (its `data-bytes`). */
export async function shownBytes(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-bytes'));
}

/** One version of the compaction lease's record, as larder's leases store it in Consensus. */
export interface LeaseVersion {
  seqno: string;
  record: {
    holder: string;
    state: 'held' | 'released';
    expiresAt: number;
    /** The seqno of the version that acquired it: equal to `seqno` for an acquisition. */
    token: string;
    /** The demo's compaction history (demo/compaction.ts). */
    note?: { compactions: number; last?: { by: string; changesBefore: number; changesAfter: number } };
  };
}

/**
 * Runs `fn` in the test harness page of the same browser profile, where `window.larder` can open
 * the demo's store: the inline engine opens a second connection to the same IndexedDB database.
 */
async function inHarness<T>(context: BrowserContext, fn: (page: Page) => Promise<T>): Promise<T> {
  const page = await context.newPage();
  try {
    await openHarness(page);
    return await fn(page);
  } finally {
    await page.close();
  }
}

/** Reads every stored version of the board's compaction lease, oldest first. */
export function leaseHistory(context: BrowserContext): Promise<LeaseVersion[]> {
  return inHarness(context, (page) =>
    page.evaluate(
      async ({ store, key }) => {
        const s = await window.larder.openStore(store, { engine: 'inline' });
        try {
          const versions = await s.consensus().scan(key, 0n, Number.MAX_SAFE_INTEGER);
          return versions.map((v) => ({
            seqno: String(v.seqno),
            record: JSON.parse(new TextDecoder().decode(v.data)) as LeaseVersion['record'],
          }));
        } finally {
          await s.close();
        }
      },
      { store: DEMO_STORE, key: LEASE_KEY },
    ),
  );
}

/**
 * Takes the board's compaction lease as another tab of the same profile would, and holds it
 * until the returned page closes (a holder tab that goes away).
 */
export async function holdLease(context: BrowserContext, holder: string): Promise<Page> {
  const page = await context.newPage();
  await openHarness(page);
  await page.evaluate(
    async ({ store, lease, holder }) => {
      const s = await window.larder.openStore(store, { engine: 'inline' });
      await s.lease(lease, { holder, ttlMs: 60_000 }).acquire();
    },
    { store: DEMO_STORE, lease: LEASE, holder },
  );
  return page;
}

/**
 * Checks, from the lease's linearizable history alone, that compactions never overlapped: each
 * acquisition comes when nobody holds the lease (released, or the claim expired), and only the
 * holder renews or releases it. The tabs of these tests never close while they hold it, which
 * is the one case where a lease is taken before its claim expires.
 *
 * @returns the number of completed compactions in the history.
 */
export function checkExclusive(history: LeaseVersion[]): number {
  let holder: LeaseVersion['record'] | undefined;
  let completed = 0;
  for (const { seqno, record } of history) {
    if (record.token === seqno) {
      // The acquirer judged the lease free at the time it wrote: its own expiry minus the TTL.
      const at = record.expiresAt - LEASE_TTL_MS;
      const free = holder === undefined || holder.expiresAt <= at;
      expect(free, `acquired by ${record.holder} while ${holder?.holder} held the lease`).toBe(true);
    } else if (holder !== undefined) {
      expect(record.holder, `${record.state} by a tab that did not hold the lease`).toBe(holder.holder);
      expect(record.token, 'a renewal or release of another acquisition').toBe(holder.token);
    }
    holder = record.state === 'released' ? undefined : record;
    if (record.state === 'released' && record.note !== undefined) completed = record.note.compactions;
  }
  return completed;
}

/**
 * Stores a sync state as a tab of the demo would (demo/sync-states.ts): under the pair of tab
 * ids, with a version byte and the last-seen time in front of Automerge's encoded state.
 */
export function plantSyncState(context: BrowserContext, pairHex: string, lastSeen: number): Promise<void> {
  return inHarness(context, (page) =>
    page.evaluate(
      async ({ store, pairHex, lastSeen }) => {
        const s = await window.larder.openStore(store, { engine: 'inline' });
        try {
          const peer = Uint8Array.from(pairHex.match(/../g) ?? [], (h) => parseInt(h, 16));
          const bytes = new Uint8Array(11);
          bytes[0] = 1;
          new DataView(bytes.buffer).setFloat64(1, lastSeen, true);
          bytes.set([67, 0], 9); // Automerge's encoding of a fresh sync state
          await s.persister('board').setSyncState(peer, bytes);
        } finally {
          await s.close();
        }
      },
      { store: DEMO_STORE, pairHex, lastSeen },
    ),
  );
}
