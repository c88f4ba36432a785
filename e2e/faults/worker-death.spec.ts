/**
 * Fault: the engine's worker dies while the store is in use, with writes still in its
 * write-behind buffer. Every pending and later call, close() included, must settle (reject
 * 'engine-lost'; close() may resolve), and the 'engine-lost' event must list every acknowledged
 * write that did not reach the database (issue 12, finding 1): nothing may be lost silently.
 */
import { expect, test, type Page } from '@playwright/test';
import { uniqueName } from '../support/harness.js';
import { openFaultPage, report } from './support/fault-fixture.js';

/** How long calls may take to settle once the worker is dead. */
const SETTLE_MS = 5000;

type Engine = 'kit' | 'caller-worker';

/**
 * Opens the store on `engine` with writes held in the buffer, commits one document for good,
 * buffers writes to another, and keeps the store and its events on the page.
 */
async function openAndWrite(page: Page, name: string, engine: Engine): Promise<{ pendingBytes: number }> {
  return page.evaluate(
    async ({ name, engine }) => {
      const { fp, larder } = window;
      let worker: Worker | undefined;
      if (engine === 'caller-worker') {
        worker = new Worker('/e2e/faults/fixtures/mortal-worker.ts', { type: 'module' });
        fp.kept.set('worker', worker);
      }
      const store = await larder.openStore(name, {
        ...(worker === undefined ? {} : { engine: worker }),
        // Nothing is committed unless flushed: the buffered writes are certainly in the buffer.
        writeBehind: { maxDelayMs: 600_000, maxBytes: 1 << 30 },
        flushOnHide: false,
      });
      const events: unknown[] = [];
      store.on('engine-lost', (e) => events.push(JSON.parse(JSON.stringify(e))));
      fp.kept.set('store', store);
      fp.kept.set('events', events);

      const committed = store.persister('doc-committed');
      await committed.insertChanges([['a', 0, fp.pattern(0, 64)]]);
      await committed.setDocument(fp.pattern(1, 64));
      await store.flush();
      // Compare-and-set commits on every call: it must survive, and never be listed as lost.
      await store.consensus().compareAndSet('cas', undefined, { seqno: 1n, data: fp.pattern(2, 8) });

      const buffered = store.persister('doc-buffered');
      await buffered.insertChanges([['a', 0, fp.pattern(10, 64)]]);
      await buffered.setDocument(fp.pattern(11, 64));
      await buffered.setSyncState(new Uint8Array([7]), fp.pattern(12, 8));
      await committed.removeChanges([['a', 0]]);
      return store.stats();
    },
    { name, engine },
  );
}

/**
 * Starts calls of every kind on the store, without waiting for them; kept as `calls`. Their
 * writes go to a document and a key of their own (`doc-<slug>`, `cas-<slug>`), so what
 * survives of them can be told apart from the writes made before.
 */
async function startCalls(page: Page, label: 'in flight' | 'after death'): Promise<void> {
  await page.evaluate((label) => {
    const { fp } = window;
    const store = fp.kept.get('store') as import('../../src/index.js').Store;
    const slug = label.replace(' ', '-');
    const p = store.persister(`doc-${slug}`);
    const calls = (fp.kept.get('calls') as Record<string, Promise<unknown>> | undefined) ?? {};
    const add = (what: string, call: () => Promise<unknown>) => {
      // A call that throws synchronously is recorded as such: it must not.
      try {
        calls[`${label}: ${what}`] = call();
      } catch (e) {
        calls[`${label}: ${what}`] = Promise.reject(
          Object.assign(new Error('threw synchronously'), { cause: e, code: 'threw synchronously' }),
        );
      }
    };
    add('getChanges', () => store.persister('doc-buffered').getChanges());
    add('insertChanges', () => p.insertChanges([['b', 1, fp.pattern(20, 16)]]));
    add('setDocument', () => p.setDocument(fp.pattern(21, 16)));
    add('sizes', () => p.sizes());
    add('stats', () => store.stats());
    // Not before the death: a flush would commit the buffered writes this test means to lose.
    if (label === 'after death') add('flush', () => store.flush());
    add('consensus.head', () => store.consensus().head('cas'));
    add('consensus.compareAndSet', () =>
      store.consensus().compareAndSet(`cas-${slug}`, undefined, { seqno: 1n, data: fp.pattern(22, 8) }),
    );
    add('logState.logs', () => store.logState().logs());
    add('table.getAll', () => store.table('t').getAll());
    add('batch.commit', () => store.batch().put(`t-${slug}`, 1, 'one').commit());
    add('opStore.sliceHashCount', () => store.opStore('space').sliceHashCount(null));
    fp.kept.set('calls', calls);
  }, label);
}

/** Settles every started call, then close(), and reads what the 'engine-lost' event said. */
async function settleEverything(page: Page) {
  return page.evaluate(async (within) => {
    const { fp } = window;
    const store = fp.kept.get('store') as import('../../src/index.js').Store;
    const calls = fp.kept.get('calls') as Record<string, Promise<unknown>>;
    const outcomes = await fp.settleAll(calls, within);
    const close = await fp.attempt(() => store.close(), within);
    return {
      outcomes,
      close,
      events: fp.kept.get('events') as Array<{
        error: { code?: string };
        lostWrites: Array<{ method: string; target: string }>;
      }>,
    };
  }, SETTLE_MS);
}

/**
 * Opens the store again on a fresh kit worker and says, for each write, whether it is there:
 * keyed `method target` as lostWrites lists them.
 */
async function whatSurvived(page: Page, name: string) {
  return page.evaluate(async (name) => {
    const { fp, larder } = window;
    const store = await larder.openStore(name);
    const committed = store.persister('doc-committed');
    const buffered = store.persister('doc-buffered');
    const inFlight = store.persister('doc-in-flight');
    const survived = {
      'committed document': fp.isPattern(await committed.getDocument(), 1, 64),
      'committed compare-and-set': (await store.consensus().head('cas'))?.seqno === 1n,
      'insertChanges doc-buffered': (await buffered.getChanges()).some((c) => fp.isPattern(c, 10, 64)),
      'setDocument doc-buffered': fp.isPattern(await buffered.getDocument(), 11, 64),
      'setSyncState doc-buffered': fp.isPattern(await buffered.getSyncState(new Uint8Array([7])), 12, 8),
      'removeChanges doc-committed': (await committed.getChanges()).length === 0,
      'insertChanges doc-in-flight': (await inFlight.getChanges()).some((c) => fp.isPattern(c, 20, 16)),
      'setDocument doc-in-flight': fp.isPattern(await inFlight.getDocument(), 21, 16),
      'compareAndSet cas-in-flight': (await store.consensus().head('cas-in-flight')) !== undefined,
      'commit t-in-flight': (await store.table('t-in-flight').get(1)) === 'one',
    };
    await store.close();
    await larder.deleteStore(name);
    return survived;
  }, name);
}

/** The assertions every way of dying shares. */
function expectEveryCallSettled(result: Awaited<ReturnType<typeof settleEverything>>) {
  const pending = Object.entries(result.outcomes)
    .filter(([, o]) => o.state === 'pending')
    .map(([label]) => label);
  expect(pending, `calls still pending ${SETTLE_MS} ms after the worker died`).toEqual([]);
  expect(result.close.state, 'close() settles').not.toBe('pending');
  // A buffered write is acknowledged once it is queued for the engine (write-pipe.ts), without
  // a round trip: one made before the store has learned of the death may resolve, and must then
  // be listed in the event's lostWrites (checked below). Every other call rejects.
  const listed = new Set(result.events[0]?.lostWrites.map((w) => `${w.method} ${w.target}`) ?? []);
  const wrongCodes = Object.entries(result.outcomes).filter(([label, o]) => {
    if (!label.startsWith('after death')) return false;
    if (o.state === 'rejected' && o.error.code === 'engine-lost') return false;
    const write = AFTER_DEATH_WRITES[label];
    return !(o.state === 'resolved' && write !== undefined && listed.has(write));
  });
  expect(
    wrongCodes,
    "every call made after the death rejects 'engine-lost', or is a buffered write reported lost",
  ).toEqual([]);
  if (result.close.state === 'rejected') expect(result.close.error.code).toBe('engine-lost');
}

/** The buffered writes made after the death, keyed as lostWrites lists them. */
const AFTER_DEATH_WRITES: Record<string, string> = {
  'after death: insertChanges': 'insertChanges doc-after-death',
  'after death: setDocument': 'setDocument doc-after-death',
};

/** The in-flight calls whose resolution acknowledged a write, keyed as lostWrites lists them. */
const IN_FLIGHT_WRITES: Record<string, string> = {
  'in flight: insertChanges': 'insertChanges doc-in-flight',
  'in flight: setDocument': 'setDocument doc-in-flight',
  'in flight: consensus.compareAndSet': 'compareAndSet cas-in-flight',
  'in flight: batch.commit': 'commit t-in-flight',
};

/**
 * Every acknowledged write that is not in the database afterwards must be in the event's
 * lostWrites; writes that were committed must not be. A write is acknowledged when its call
 * resolved: the ones made before the death, and the in-flight ones that resolved.
 */
function expectNothingLostSilently(
  result: Awaited<ReturnType<typeof settleEverything>>,
  survived: Record<string, boolean>,
) {
  expect(result.events, "one 'engine-lost' event").toHaveLength(1);
  const event = result.events[0];
  if (event === undefined) return;
  expect(event.error.code).toBe('engine-lost');
  const listed = new Set(event.lostWrites.map((w) => `${w.method} ${w.target}`));
  const acknowledged = Object.keys(survived).filter((what) => {
    const call = Object.entries(IN_FLIGHT_WRITES).find(([, w]) => w === what)?.[0];
    return call === undefined || result.outcomes[call]?.state === 'resolved';
  });
  const lostSilently = acknowledged.filter((what) => survived[what] !== true && !listed.has(what));
  expect(lostSilently, 'acknowledged writes lost without being listed in lostWrites').toEqual([]);
  expect(survived['committed document'], 'the flushed document survives').toBe(true);
  expect(survived['committed compare-and-set'], 'the committed compare-and-set survives').toBe(true);
  expect(
    event.lostWrites.filter(
      (w) => w.target === 'cas' || (w.target === 'doc-committed' && w.method !== 'removeChanges'),
    ),
    'a committed write is not reported lost',
  ).toEqual([]);
}

test.describe("the engine's worker dies mid-use: every call settles, lost writes are reported", () => {
  test("the kit's own worker closes itself", async ({ page }) => {
    const name = uniqueName('death-kit');
    await openFaultPage(page);
    const before = await openAndWrite(page, name, 'kit');
    await startCalls(page, 'in flight');
    const worker = page.workers().find((w) => w.url().includes('larder.worker'));
    expect(worker, "the kit's worker is running").toBeDefined();
    // The worker never answers this evaluate: it is gone before it could.
    void worker?.evaluate(() => self.close()).catch(() => undefined);
    await expect.poll(() => page.workers().includes(worker as never), { timeout: 10_000 }).toBe(false);
    await startCalls(page, 'after death');
    const result = await settleEverything(page);
    const survived = await whatSurvived(page, name);
    report('kit worker closed itself', { pendingBytesBefore: before.pendingBytes, ...result, survived });
    expectEveryCallSettled(result);
    expectNothingLostSilently(result, survived);
  });

  test("a caller's Worker closes itself", async ({ page }) => {
    const name = uniqueName('death-caller');
    await openFaultPage(page);
    const before = await openAndWrite(page, name, 'caller-worker');
    await startCalls(page, 'in flight');
    // Messages are handled in order: calls sent before this are answered or cut off by the
    // death, calls sent after it reach a closed worker and are never answered.
    await page.evaluate(() => (window.fp.kept.get('worker') as Worker).postMessage({ larderTestDie: true }));
    await startCalls(page, 'after death');
    const result = await settleEverything(page);
    const survived = await whatSurvived(page, name);
    report('caller worker closed itself', { pendingBytesBefore: before.pendingBytes, ...result, survived });
    expectEveryCallSettled(result);
    expectNothingLostSilently(result, survived);
  });

  test('the caller terminates its Worker', async ({ page }) => {
    const name = uniqueName('death-terminate');
    await openFaultPage(page);
    const before = await openAndWrite(page, name, 'caller-worker');
    await startCalls(page, 'in flight');
    await page.evaluate(() => (window.fp.kept.get('worker') as Worker).terminate());
    await startCalls(page, 'after death');
    const result = await settleEverything(page);
    const survived = await whatSurvived(page, name);
    report('caller terminated its worker', { pendingBytesBefore: before.pendingBytes, ...result, survived });
    expectEveryCallSettled(result);
    expectNothingLostSilently(result, survived);
  });
});
