import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// The bad inputs the reliability review found rejecting with 'unknown' (or throwing a raw
// TypeError): each must be a StoreError 'invalid-argument', and write nothing.

for (const engine of ENGINES) {
  test(`review findings reject 'invalid-argument' and write nothing (${engine})`, async ({ page }) => {
    await openHarness(page);
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const { larder } = window;
        const store = await larder.openStore(name, { engine });
        const p = store.persister('doc');
        const code = async (fn: () => unknown) => {
          try {
            await fn();
            return 'ok';
          } catch (e) {
            return larder.isStoreError(e) ? e.code : `raw ${(e as Error).name}`;
          }
        };
        const detached = new Uint8Array(8);
        structuredClone(detached.buffer, { transfer: [detached.buffer] });
        const throwingOptions = Object.defineProperty({}, 'decodeOp', {
          get() {
            throw new Error('getter');
          },
        });
        // eslint-disable-next-line no-sparse-arrays
        const sparse = [new Uint8Array([1]), , new Uint8Array([2])] as Uint8Array[];
        const codes = {
          nullProtoLimit: await code(() => store.consensus().scan('k', 0n, Object.create(null) as number)),
          proxyBytes: await code(() => p.setDocument(new Proxy(new Uint8Array(4), {}))),
          detachedBytes: await code(() => p.setDocument(detached)),
          sparsePeers: await code(() => p.removeSyncStates(sparse)),
          sparseChanges: await code(() =>
            // eslint-disable-next-line no-sparse-arrays
            p.insertChanges([['a', 1, new Uint8Array([1])], , ['a', 2, new Uint8Array([2])]] as never),
          ),
          throwingOptions: await code(() => store.opStore('s', throwingOptions)),
          arcNotArray: await code(() => larder.arcContains('nope' as never, 1)),
          badLoc: await code(() => larder.arcContains([0, 5], -1)),
          opIdLoc: await code(() => larder.opIdLoc('x' as never)),
        };
        await store.flush();
        const stored = {
          changes: (await p.getChanges()).length,
          document: await p.getDocument(),
          peers: (await p.getPeerIds()).length,
        };
        await store.close();
        await larder.deleteStore(name);
        return { codes, stored };
      },
      { name: uniqueName('bad-input'), engine },
    );
    for (const [call, c] of Object.entries(out.codes)) expect(c, call).toBe('invalid-argument');
    expect(out.stored).toEqual({ changes: 0, document: undefined, peers: 0 });
  });
}
