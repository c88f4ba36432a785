/**
 * Fault: flush() after a background commit took the buffer. The write-behind commits in the
 * background with relaxed durability (at once past maxBytes, or when its timer fires); a
 * flush() must still resolve only after a strict commit covers everything written before it.
 * Today it returns 0 without any strict transaction (issue 12, finding 4). A transaction spy
 * records each readwrite transaction's durability: nothing else exposes it.
 */
import { expect, test, type Page } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import { openFaultPage, report } from './support/fault-fixture.js';
import type { SpiedTransaction } from './support/transaction-spy.js';

/** Opens the store on `engine` with the transaction spy installed where the engine runs. */
async function openSpied(page: Page, name: string, engine: 'worker' | 'inline', maxDelayMs: number) {
  await page.evaluate(
    async ({ name, engine, maxDelayMs }) => {
      const { fp, larder } = window;
      let spy: () => Promise<SpiedTransaction[]>;
      let store;
      const writeBehind = { maxDelayMs, maxBytes: 4 * 1024 * 1024 };
      if (engine === 'inline') {
        const url = '/e2e/faults/support/transaction-spy.ts';
        const { recordTransactions } = (await import(url)) as typeof import('./support/transaction-spy.js');
        const log = recordTransactions();
        spy = async () => log;
        store = await larder.openStore(name, { engine: 'inline', writeBehind });
      } else {
        // The engine runs in a worker: the spy must be installed there, by the worker's script.
        const worker = new Worker('/e2e/faults/fixtures/spy-worker.ts', { type: 'module' });
        spy = () =>
          new Promise((resolve) => {
            const onMessage = (e: MessageEvent<{ larderTestSpyLog?: SpiedTransaction[] }>) => {
              if (e.data?.larderTestSpyLog === undefined) return;
              worker.removeEventListener('message', onMessage);
              resolve(e.data.larderTestSpyLog);
            };
            worker.addEventListener('message', onMessage);
            worker.postMessage({ larderTestSpy: true });
          });
        store = await larder.openStore(name, { engine: worker, writeBehind });
        fp.kept.set('worker', worker);
      }
      fp.kept.set('store', store);
      fp.kept.set('spy', spy);
    },
    { name, engine, maxDelayMs },
  );
}

/** Runs `write`, then flush(), and returns the transactions that completed in between. */
async function writeThenFlush(page: Page, write: 'big document' | 'small change, after its timer commit') {
  return page.evaluate(async (write) => {
    const { fp } = window;
    const store = fp.kept.get('store') as import('../../src/index.js').Store;
    const spy = fp.kept.get('spy') as () => Promise<SpiedTransaction[]>;
    const now = () => performance.timeOrigin + performance.now();
    const p = store.persister('doc');
    const wrote = now();
    if (write === 'big document') {
      // Past maxBytes: a background commit takes the buffer at once.
      await p.setDocument(fp.pattern(1, 8 * 1024 * 1024));
    } else {
      await p.insertChanges([['a', 1, fp.pattern(2, 64)]]);
      // The timer's background commit has taken and written the buffer.
      while ((await store.stats()).pendingBytes > 0) await new Promise((r) => setTimeout(r, 5));
    }
    const flushed = await fp.settle(store.flush(), 30_000);
    const resolved = now();
    const seen = (await spy()).filter((t) => t.started >= wrote);
    await store.close();
    (fp.kept.get('worker') as Worker | undefined)?.terminate();
    return {
      flushed,
      transactions: seen.map((t) => ({
        stores: t.stores.join(','),
        durability: t.durability,
        completedBeforeFlushResolved: t.completed !== undefined && t.completed <= resolved,
      })),
    };
  }, write);
}

const WRITES = ['big document', 'small change, after its timer commit'] as const;

for (const engine of ENGINES) {
  for (const write of WRITES) {
    test(`flush() commits strictly after a background commit took the buffer: ${write} (${engine})`, async ({
      page,
    }) => {
      const name = uniqueName('flush-strict');
      await openFaultPage(page);
      await openSpied(page, name, engine, write === 'big document' ? 60_000 : 0);
      const result = await writeThenFlush(page, write);
      report(`flush after a background commit, ${write} (${engine})`, result);

      expect(result.flushed.state).toBe('resolved');
      const strict = result.transactions.filter(
        (t) => t.durability === 'strict' && t.completedBeforeFlushResolved,
      );
      expect(
        strict.length,
        'a strict readwrite transaction completed before flush() resolved',
      ).toBeGreaterThan(0);
      await page.evaluate((name) => window.larder.deleteStore(name), name);
    });
  }
}
