import { expect, test } from '@playwright/test';
import type { CorruptRecord } from '../src/index.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// Integrity: every chunk of changes carries a checksum that reads verify. Records are corrupted
// at rest with raw IndexedDB, as a disk or a buggy extension would: the damaged chunk is moved
// to the quarantine and reported with what it held, and the rest of the document still loads.

declare global {
  interface Window {
    /** Runs `fn` on every record of the `changes` store of `name`, in one read-write transaction. */
    rewriteChunks(name: string, fn: (chunk: Record<string, unknown>) => unknown): Promise<void>;
    /** Reads every record of an object store of `name`, raw. */
    rawRecords(name: string, store: string): Promise<unknown[]>;
  }
}

function installRawHelpers(): void {
  const open = (name: string) =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(`larder:${name}`);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
    });
  window.rewriteChunks = async (name, fn) => {
    const db = await open(name);
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('changes', 'readwrite');
      const req = tx.objectStore('changes').openCursor();
      req.onsuccess = () => {
        const cursor = req.result;
        if (cursor === null) return;
        const next = fn(cursor.value as Record<string, unknown>);
        if (next !== undefined) cursor.update(next);
        cursor.continue();
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('write failed'));
    });
    db.close();
  };
  window.rawRecords = async (name, store) => {
    const db = await open(name);
    const values = await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('read failed'));
    });
    db.close();
    return values;
  };
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(installRawHelpers);
  await openHarness(page);
});

for (const engine of ENGINES) {
  test(`a chunk with a changed byte is quarantined and reported; the rest of the document loads (${engine})`, async ({
    page,
  }) => {
    const name = uniqueName('integrity-byte');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const open = () => window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const store = await open();
        const doc = store.persister('doc');
        // Three commits: three chunks, of seqs 1-2, 3 and 4.
        await doc.insertChanges([
          ['a', 1, new Uint8Array([1, 1])],
          ['a', 2, new Uint8Array([2, 2])],
        ]);
        await store.flush();
        await doc.insertChanges([['b', 3, new Uint8Array([3, 3, 3])]]);
        await store.flush();
        await doc.insertChanges([['a', 4, new Uint8Array([4])]]);
        await doc.setDocument(new Uint8Array([9]));
        await store.close();

        // At rest, one byte of the second chunk's change flips.
        let target = -1;
        await window.rewriteChunks(name, (chunk) => {
          const seqs = chunk['putSeqs'] as Float64Array;
          if (seqs[0] !== 3) return undefined;
          target = chunk['id'] as number;
          const bytes = chunk['bytes'] as Uint8Array;
          bytes[1] = (bytes[1] as number) ^ 0x40;
          return chunk;
        });

        const again = await open();
        const reports: CorruptRecord[] = [];
        again.on('corruption', (r) => reports.push(r));
        const changes = (await again.persister('doc').getChanges()).map((c) => Array.from(c));
        const document = Array.from((await again.persister('doc').getDocument()) ?? []);
        for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        const health = await again.health({ docId: 'doc' });
        await again.close();
        const quarantined = await window.rawRecords(name, 'quarantine');
        const stored = (await window.rawRecords(name, 'changes')) as Array<{ id: number }>;

        // A later session reads the same, and hears nothing more.
        const third = await open();
        const later: CorruptRecord[] = [];
        third.on('corruption', (r) => later.push(r));
        const changesLater = (await third.persister('doc').getChanges()).length;
        await third.close();
        await window.larder.deleteStore(name);
        return {
          target,
          changes: changes.sort(),
          document,
          reports,
          health: health.document,
          quarantined: quarantined.map((q) => {
            const { store, key, docId, reason } = q as Record<string, unknown>;
            return { store, key, docId, reason };
          }),
          storedIds: stored.map((c) => c.id),
          changesLater,
          later: later.length,
        };
      },
      { name, engine },
    );
    expect(out.changes).toEqual([[1, 1], [2, 2], [4]]);
    expect(out.document).toEqual([9]);
    expect(out.reports).toEqual([
      {
        kind: 'changes',
        docId: 'doc',
        record: out.target,
        reason: 'its checksum does not match its content',
        lost: [{ actor: 'b', seq: 3 }],
      },
    ]);
    expect(out.quarantined).toEqual([
      { store: 'changes', key: out.target, docId: 'doc', reason: 'its checksum does not match its content' },
    ]);
    expect(out.storedIds).not.toContain(out.target);
    expect(out.health).toEqual({ changes: 5, document: 1, syncStates: 0, total: 6 });
    expect(out.changesLater).toBe(3);
    expect(out.later).toBe(0);
  });

  test(`a chunk that is not a chunk at all is quarantined; a chunk from before checksums still reads (${engine})`, async ({
    page,
  }) => {
    const name = uniqueName('integrity-shape');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const open = () => window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const store = await open();
        const doc = store.persister('doc');
        for (let seq = 1; seq <= 3; seq++) {
          await doc.insertChanges([['a', seq, new Uint8Array([seq])]]);
          await store.flush();
        }
        await store.close();
        await window.rewriteChunks(name, (chunk) => {
          const seq = (chunk['putSeqs'] as Float64Array)[0];
          // Seq 1: a record as an older larder wrote it, with no checksum.
          if (seq === 1) {
            delete chunk['crc'];
            return chunk;
          }
          // Seq 2: garbage under the document's index.
          if (seq === 2) return { id: chunk['id'], doc: 'doc', putSeqs: 'garbage' };
          return undefined;
        });
        const again = await open();
        const reports: CorruptRecord[] = [];
        again.on('corruption', (r) => reports.push(r));
        const changes = (await again.persister('doc').getChanges()).map((c) => Array.from(c));
        const sizes = await again.persister('doc').sizes();
        for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        await again.close();
        await window.larder.deleteStore(name);
        return { changes: changes.sort(), sizes, reports };
      },
      { name, engine },
    );
    expect(out.changes).toEqual([[1], [3]]);
    expect(out.sizes).toEqual({ changes: 2, document: 0, syncStates: 0 });
    expect(out.reports).toHaveLength(1);
    expect(out.reports[0]).toMatchObject({
      kind: 'changes',
      docId: 'doc',
      reason: 'fields are missing or of the wrong type',
      lost: undefined,
    });
  });
}
