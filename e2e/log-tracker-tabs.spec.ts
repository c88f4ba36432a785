import { expect, test, type Page } from '@playwright/test';
import type { LogTracker, Store } from '../src/index.js';
import { ENGINES, openHarness, uniqueName, type EngineName } from './support/harness.js';

// API.md section 5: (peerId, entryIdx) is unique across every connection, tabs included.

const PEER = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c05';
const ROUNDS = 8;

/** What each tab keeps between evaluate calls. */
interface TabState {
  store: Store;
  log: LogTracker<{ tab: string; round: number }>;
}
type TabWindow = Window & { tabState?: TabState };

async function openTab(page: Page, name: string, engine: EngineName): Promise<void> {
  await openHarness(page);
  await page.evaluate(
    async ({ name, engine }) => {
      const store = await window.larder.openStore(name, { engine });
      const log = await store.logTracker<{ tab: string; round: number }>('race');
      (window as TabWindow).tabState = { store, log };
    },
    { name, engine },
  );
}

/** Commits the entry `round` of PEER together with a put naming this tab. */
function commitRound(page: Page, tab: string, round: number): Promise<string> {
  return page.evaluate(
    async ({ tab, round, PEER }) => {
      const { store, log } = (window as TabWindow).tabState as TabState;
      const batch = store.batch().put('winners', round, tab);
      log.trackOne(PEER, BigInt(round), BigInt(round), undefined, { tab, round }, batch);
      try {
        await batch.commit();
        return 'committed';
      } catch (e) {
        return window.larder.isStoreError(e) ? e.code : String(e);
      }
    },
    { tab, round, PEER },
  );
}

for (const engine of ENGINES) {
  test(`two tabs commit the same (peer, entryIdx) at once: exactly one wins (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('lt-tabs');
    const pages = [await context.newPage(), await context.newPage()];
    await Promise.all(pages.map((p) => openTab(p, name, engine)));

    const outcomes: Array<[string, string]> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await Promise.all([
        commitRound(pages[0]!, 'A', round),
        commitRound(pages[1]!, 'B', round),
      ]);
      outcomes.push([a, b]);
    }

    // Read what was stored from the first tab, then close both and delete the store.
    const stored = await pages[0]!.evaluate(
      async ({ PEER, name }) => {
        const { store, log } = (window as TabWindow).tabState as TabState;
        const rows = await log.readEntries(PEER, 0n, 100);
        const winners = await store.table('winners').getAll();
        const cursor = (await log.allCursors()).get(PEER);
        await store.close();
        return { rows: rows.map(([i, e]) => [i, e.kind === 'entry' ? e.op : null]), winners, cursor, name };
      },
      { PEER, name },
    );
    await pages[1]!.evaluate(async () => (window as TabWindow).tabState?.store.close());
    await pages[0]!.evaluate(async (name) => window.larder.deleteStore(name), name);

    const expectedWinners: Array<[number, string]> = [];
    const expectedRows: Array<[bigint, { tab: string; round: number }]> = [];
    outcomes.forEach(([a, b], round) => {
      // Exactly one committed, the other got 'conflict'.
      expect([a, b].sort(), `round ${round}`).toEqual(['committed', 'conflict']);
      const tab = a === 'committed' ? 'A' : 'B';
      expectedWinners.push([round, tab]);
      expectedRows.push([BigInt(round), { tab, round }]);
    });
    // The loser's put was rolled back with its row: the table names the winner of each round.
    expect(stored.winners).toEqual(expectedWinners);
    expect(stored.rows).toEqual(expectedRows);
    expect(stored.cursor).toBe(BigInt(ROUNDS));
  });
}
