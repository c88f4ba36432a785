import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

for (const engine of ENGINES) {
  test(`smoke ${engine}`, async ({ page }) => {
    await openHarness(page);
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine });
        const p = store.persister('doc');
        await p.insertChanges([['aa', 1, new Uint8Array([1, 2, 3])]]);
        const before = (await p.getChanges()).map((c) => Array.from(c));
        const flushed = await store.flush();
        const after = (await p.getChanges()).map((c) => Array.from(c));
        const sizes = await p.sizes();
        let code = '';
        try {
          await p.insertChanges([['', 1, new Uint8Array()]]);
        } catch (e) {
          code =
            (e as { code: string }).code + ':' + String(window.larder.isStoreError(e, 'invalid-argument'));
        }
        await store.close();
        await window.larder.deleteStore(name);
        return { before, flushed, after, sizes, code };
      },
      { name: uniqueName('smoke'), engine },
    );
    expect(out.before).toEqual([[1, 2, 3]]);
    expect([0, 3]).toContain(out.flushed);
    expect(out.after).toEqual([[1, 2, 3]]);
    expect(out.sizes).toEqual({ changes: 3, document: 0, syncStates: 0 });
    expect(out.code).toBe('invalid-argument:true');
  });
}
