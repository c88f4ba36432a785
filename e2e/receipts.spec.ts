import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// Durability receipts and the save status: what an app shows as "Saving…" / "Saved" without
// polling, and what it awaits before it tells a user their edit is safe (y-indexeddb#28).

for (const engine of ENGINES) {
  test.describe(`receipts, engine '${engine}'`, () => {
    test.beforeEach(async ({ page }) => openHarness(page));

    test('a receipt moves from buffered to strict with flush(), and its promises resolve', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const store = await window.larder.openStore(name, { engine, writeBehind: { maxDelayMs: 60_000 } });
          const p = store.persister('doc');
          const before = store.receipt().state; // nothing written: nothing to wait for
          await p.insertChanges([['a', 1, new Uint8Array(100)]]);
          const receipt = store.receipt();
          const states = [receipt.state];
          let strictDone = false;
          const strict = receipt.strict().then(() => (strictDone = true));
          await new Promise((r) => setTimeout(r, 50));
          const waitedWithoutFlush = !strictDone;
          await store.flush();
          await strict;
          await receipt.committed();
          states.push(receipt.state);
          await store.close();
          await window.larder.deleteStore(name);
          return { before, states, waitedWithoutFlush };
        },
        { name: uniqueName('receipt'), engine },
      );
      expect(out.before).toBe('strict');
      expect(out.states).toEqual(['buffered', 'strict']);
      expect(out.waitedWithoutFlush).toBe(true);
    });

    test('a write-behind commit makes writes committed (relaxed), not strict', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const store = await window.larder.openStore(name, { engine, writeBehind: { maxDelayMs: 5 } });
          const ks = store.keySpace('k');
          // Not awaited: a receipt covers writes still on their way to the engine too.
          const put = ks.put(['x'], new Uint8Array([1, 2, 3]));
          const receipt = store.receipt();
          await receipt.committed();
          const state = receipt.state;
          await put;
          await store.flush();
          const after = receipt.state;
          await store.close();
          await window.larder.deleteStore(name);
          return { state, after };
        },
        { name: uniqueName('receipt-relaxed'), engine },
      );
      expect(out.state).toBe('committed');
      expect(out.after).toBe('strict');
    });

    test("the 'saved' event reports unsaved bytes and the last strict commit, no polling", async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const store = await window.larder.openStore(name, { engine, writeBehind: { maxDelayMs: 60_000 } });
          const seen: Array<{ unsavedBytes: number; unsavedWrites: number; strict: boolean }> = [];
          const off = store.on('saved', (s) =>
            seen.push({
              unsavedBytes: s.unsavedBytes,
              unsavedWrites: s.unsavedWrites,
              strict: s.lastStrictCommit !== undefined,
            }),
          );
          const p = store.persister('doc');
          await p.insertChanges([['a', 1, new Uint8Array(300)]]);
          await p.setDocument(new Uint8Array(700));
          await new Promise((r) => setTimeout(r, 0));
          const dirty = store.saveStatus();
          await store.flush();
          await store.receipt().strict();
          await new Promise((r) => setTimeout(r, 0));
          const clean = store.saveStatus();
          off();
          const countAfterOff = seen.length;
          await p.insertChanges([['a', 2, new Uint8Array(1)]]);
          await new Promise((r) => setTimeout(r, 0));
          await store.close();
          await window.larder.deleteStore(name);
          return { seen, dirty, clean, countAfterOff, countAtEnd: seen.length };
        },
        { name: uniqueName('saved'), engine },
      );
      expect(out.dirty.unsavedBytes).toBe(1000);
      expect(out.dirty.unsavedWrites).toBe(2);
      expect(out.dirty.lastStrictCommit).toBeUndefined();
      expect(out.clean.unsavedBytes).toBe(0);
      expect(out.clean.unsavedWrites).toBe(0);
      expect(typeof out.clean.lastStrictCommit).toBe('number');
      expect(out.seen.at(0)?.unsavedBytes).toBeGreaterThan(0);
      expect(out.seen.at(-1)).toEqual({ unsavedBytes: 0, unsavedWrites: 0, strict: true });
      expect(out.countAtEnd).toBe(out.countAfterOff);
    });
  });
}
