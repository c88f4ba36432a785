/**
 * Fault: an error crosses the worker. The StoreError that arrives on the main thread must keep
 * what the engine knew: its code, its message, and the platform error in `cause` (today the
 * worker drops `cause`; the inline engine keeps it: issue 12, finding 8).
 */
import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import { openFaultPage, report } from './support/fault-fixture.js';

const UUID = '6a0c0c5e-8a57-4d4e-9d7f-0d1e2f3a4b5c';

for (const engine of ENGINES) {
  test(`a StoreError keeps its code, message and cause (${engine})`, async ({ page }) => {
    await openFaultPage(page);
    const errors = await page.evaluate(
      async ({ name, engine, uuid }) => {
        const { fp, larder } = window;
        const store = await larder.openStore(name, { engine });
        const failure = async (p: Promise<unknown>) => {
          const o = await fp.settle(p, 10_000);
          return o.state === 'rejected' ? o.error : { unexpected: o };
        };

        // A duplicate (peerId, entryIdx): IndexedDB's ConstraintError, raised in the engine.
        const tracker = await store.logTracker('log');
        const first = store.batch();
        tracker.trackOne(uuid, 0n, 1n, undefined, 'op', first);
        await first.commit();
        const again = store.batch();
        tracker.trackOne(uuid, 0n, 2n, undefined, 'op', again);
        const duplicate = await failure(again.commit());

        // A rule the engine checks against stored data: its message names the key.
        const truncate = await failure(store.consensus().truncate('no-such-key', 1n));

        // Optimistic concurrency: the second writer of a checkpoint loses.
        const ls = store.logState();
        const a = await ls.writeOps('witness');
        const b = await ls.writeOps('witness');
        await a.set(new Uint8Array([1]));
        const conflict = await failure(b.set(new Uint8Array([2])));

        await store.close();
        await larder.deleteStore(name);
        return { duplicate, truncate, conflict };
      },
      { name: uniqueName('error-detail'), engine, uuid: UUID },
    );
    report(`errors across the ${engine} engine`, errors);

    expect(errors.duplicate).toMatchObject({
      isStoreError: true,
      code: 'conflict',
      causeName: 'ConstraintError',
    });
    expect(errors.duplicate).toHaveProperty('message', expect.stringMatching(/\S/));
    expect(errors.truncate).toMatchObject({ isStoreError: true, code: 'invalid-argument' });
    expect(errors.truncate).toHaveProperty('message', expect.stringContaining('no-such-key'));
    expect(errors.conflict).toMatchObject({ isStoreError: true, code: 'conflict' });
    expect(errors.conflict).toHaveProperty('message', expect.stringContaining('witness'));
  });
}
