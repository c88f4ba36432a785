import { expect, test, type Page } from '@playwright/test';
import { ENGINES } from './support/harness.js';
import { launchRealBrowser, makeProfile, removeProfile } from './support/real-browser.js';

// API.md section 5: a committed batch is durable. Every batch below resolved before the whole
// browser is killed with SIGKILL; the stores are never closed or flushed.

const PEER = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a01';
const USER = '0f1e2d3c-4b5a-4968-8776-655443322102';
const BATCHES = 25;

/** Commits BATCHES batches (an entry and a register put each) and one marker, per engine. */
async function writeLog(page: Page, name: string): Promise<Record<string, number>> {
  return page.evaluate(
    async ({ name, engines, batches, PEER, USER }) => {
      const committed: Record<string, number> = {};
      for (const engine of engines) {
        const store = await window.larder.openStore(`${name}-${engine}`, { engine });
        // Kept reachable and never closed: the kill is what ends these stores.
        (window as unknown as Record<string, unknown>)[`store-${engine}`] = store;
        const log = await store.logTracker<{ n: number; pad: string }>('durable');
        committed[engine] = 0;
        for (let i = 0; i < batches; i++) {
          const batch = store.batch();
          log.trackOne(
            PEER,
            BigInt(i),
            BigInt(i) << 16n,
            i % 2 ? USER : undefined,
            { n: i, pad: 'x'.repeat(i) },
            batch,
          );
          batch.put('register', 'max', i).put('seen', i, `entry ${i}`);
          await batch.commit();
          committed[engine] += 1;
        }
        const last = store.batch().delete('seen', 0);
        log.trackExpunged(PEER, BigInt(batches), new Uint8Array([1, 2, 3, 4]), last);
        await last.commit();
        committed[engine] += 1;
      }
      return committed;
    },
    { name, engines: [...ENGINES], batches: BATCHES, PEER, USER },
  );
}

/** Reads the log and tables back from each engine's store, then deletes it. */
async function readLog(page: Page, name: string) {
  return page.evaluate(
    async ({ name, engines, PEER }) => {
      const out: Record<string, unknown> = {};
      for (const engine of engines) {
        const store = await window.larder.openStore(`${name}-${engine}`, { engine });
        const log = await store.logTracker<{ n: number; pad: string }>('durable');
        const rows = await log.readEntries(PEER, 0n, Number.MAX_SAFE_INTEGER);
        out[engine] = {
          cursors: [...(await log.allCursors())],
          rows: rows.map(([i, e]) =>
            e.kind === 'entry'
              ? [i, e.timestamp, e.serverUserId ?? null, e.op.n, e.op.pad.length]
              : [i, Array.from(e.hash)],
          ),
          register: await store.table('register').getAll(),
          seen: (await store.table('seen').getAll()).map(([k]) => k),
        };
        await store.close();
        await window.larder.deleteStore(`${name}-${engine}`);
      }
      return out;
    },
    { name, engines: [...ENGINES], PEER },
  );
}

test.describe('log tracker across a SIGKILL of the browser', () => {
  let profile: string;
  test.beforeEach(() => {
    profile = makeProfile();
  });
  test.afterEach(() => removeProfile(profile));

  test('every committed batch survives', async ({ baseURL }) => {
    const name = `durable-log-tracker-${Date.now()}`;
    const first = await launchRealBrowser(profile);
    const page = await first.openHarness(baseURL);
    const committed = await writeLog(page, name);
    await first.kill();

    const second = await launchRealBrowser(profile);
    const again = await second.openHarness(baseURL);
    const read = await readLog(again, name);
    await second.close();

    for (const engine of ENGINES) {
      expect(committed[engine], engine).toBe(BATCHES + 1);
      expect(read[engine], engine).toEqual({
        cursors: [[PEER, BigInt(BATCHES) + 1n]],
        rows: [
          ...Array.from({ length: BATCHES }, (_, i) => [
            BigInt(i),
            BigInt(i) << 16n,
            i % 2 ? USER : null,
            i,
            i,
          ]),
          [BigInt(BATCHES), [1, 2, 3, 4]],
        ],
        register: [['max', BATCHES - 1]],
        seen: Array.from({ length: BATCHES - 1 }, (_, i) => i + 1),
      });
    }
  });
});
