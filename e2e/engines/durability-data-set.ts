import '../support/harness.js';

/** What the durability specs need of a page: Playwright's or the WebDriver one. */
export interface Evaluating {
  evaluate<R, Arg>(fn: (arg: Arg) => R | Promise<R>, arg: Arg): Promise<R>;
}

/** 400 changes of 200 bytes, a 256 KiB document and a sync state: small, and every byte checkable. */
export const DATA_SET = { changes: 400, docBytes: 256 * 1024 } as const;

/**
 * Writes the data set through a Persister with a write-behind that never fires by itself, then
 * flushes if asked, and returns the bytes still unsaved. Change `i` carries `i` in its first four
 * bytes and bytes derived from `i` after, so a reader can tell a torn or foreign record.
 */
export function writeDataSet(page: Evaluating, name: string, flush: boolean): Promise<number> {
  return page.evaluate(
    async ({ name, changes, docBytes, flush }) => {
      const change = (i: number) => {
        const b = new Uint8Array(200);
        new DataView(b.buffer).setUint32(0, i);
        for (let j = 4; j < b.length; j++) b[j] = (i * 31 + j * 7) & 0xff;
        return b;
      };
      const store = await window.larder.openStore(name, {
        writeBehind: { maxDelayMs: 600_000, maxBytes: 1 << 30 },
      });
      (window as unknown as { store: unknown }).store = store;
      const p = store.persister('doc');
      for (let i = 0; i < changes; i += 50) {
        const batch: Array<[string, number, Uint8Array]> = [];
        for (let k = i; k < i + 50; k++) batch.push([`actor${k % 3}`, k, change(k)]);
        await p.insertChanges(batch);
      }
      const doc = new Uint8Array(docBytes);
      for (let j = 0; j < doc.length; j++) doc[j] = (j * 13) & 0xff;
      await p.setDocument(doc);
      await p.setSyncState(new Uint8Array([0xff, 0x00, 0xfe]), new Uint8Array([1, 2, 3, 4]));
      if (flush) await store.flush();
      return (await store.stats()).pendingBytes;
    },
    { name, ...DATA_SET, flush },
  );
}

/** Reads the data set back, deletes the store, and reports what was intact. */
export function readDataSet(page: Evaluating, name: string) {
  return page.evaluate(
    async ({ name, docBytes }) => {
      const store = await window.larder.openStore(name);
      const p = store.persister('doc');
      const changes = await p.getChanges();
      const seen = new Set<number>();
      let intact = 0;
      for (const c of changes) {
        const i = new DataView(c.buffer, c.byteOffset, c.byteLength).getUint32(0);
        let ok = c.byteLength === 200;
        for (let j = 4; ok && j < c.length; j++) ok = c[j] === ((i * 31 + j * 7) & 0xff);
        if (ok) intact++;
        seen.add(i);
      }
      const doc = await p.getDocument();
      let docOk = doc?.byteLength === docBytes;
      for (let j = 0; docOk && doc !== undefined && j < doc.length; j++) docOk = doc[j] === ((j * 13) & 0xff);
      const sync = await p.getSyncState(new Uint8Array([0xff, 0x00, 0xfe]));
      await store.close();
      await window.larder.deleteStore(name);
      return { count: changes.length, distinct: seen.size, intact, docOk, sync: sync && Array.from(sync) };
    },
    { name, docBytes: DATA_SET.docBytes },
  );
}

/** The outcome {@link readDataSet} gives when everything survived. */
export const WHOLE_DATA_SET = {
  count: DATA_SET.changes,
  distinct: DATA_SET.changes,
  intact: DATA_SET.changes,
  docOk: true,
  sync: [1, 2, 3, 4],
};
