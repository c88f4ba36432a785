import { expect, test } from '@playwright/test';
import type { CorruptRecord } from '../src/index.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// Integrity: every chunk of changes, document, sync state and key-space value carries a checksum
// that reads verify. Records are corrupted at rest with raw IndexedDB, as a disk or a buggy
// extension would: the damaged record is moved to the quarantine and reported with what it held,
// and the rest of the document or key space still loads.

declare global {
  interface Window {
    /** Runs `fn` on every record of the `changes` store of `name`, in one read-write transaction. */
    rewriteChunks(name: string, fn: (chunk: Record<string, unknown>) => unknown): Promise<void>;
    /** Reads every record of an object store of `name`, raw. */
    rawRecords(name: string, store: string): Promise<unknown[]>;
    /** Reads every key of an object store of `name`, raw. */
    rawKeys(name: string, store: string): Promise<IDBValidKey[]>;
    /**
     * Runs `fn` on every record of an object store of `name`, in one read-write transaction,
     * storing what it returns in place of the record (nothing for `undefined`).
     */
    rewriteRecords(
      name: string,
      store: string,
      fn: (key: IDBValidKey, value: unknown) => unknown,
    ): Promise<void>;
    /** Stores a record in an object store of `name`, raw: as an older larder, or another program. */
    putRaw(name: string, store: string, value: unknown, key?: IDBValidKey): Promise<void>;
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
  const inTx = async (name: string, store: string, fn: (s: IDBObjectStore) => void) => {
    const db = await open(name);
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(store, 'readwrite');
      fn(tx.objectStore(store));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('write failed'));
    });
    db.close();
  };
  window.rewriteRecords = (name, store, fn) =>
    inTx(name, store, (s) => {
      const req = s.openCursor();
      req.onsuccess = () => {
        const cursor = req.result;
        if (cursor === null) return;
        const next = fn(cursor.primaryKey, cursor.value);
        if (next !== undefined) cursor.update(next);
        cursor.continue();
      };
    });
  window.putRaw = (name, store, value, key) =>
    inTx(name, store, (s) => {
      if (key === undefined) s.put(value);
      else s.put(value, key);
    });
  window.rawKeys = async (name, store) => {
    const db = await open(name);
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store).getAllKeys();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('read failed'));
    });
    db.close();
    return keys;
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

  test(`a document with a changed byte, or moved under another docId, reads as absent and is quarantined and reported; its changes still load; a document from before checksums still reads (${engine})`, async ({
    page,
  }) => {
    const name = uniqueName('integrity-document');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const open = () => window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const store = await open();
        await store.persister('doc').insertChanges([['a', 1, new Uint8Array([1, 1])]]);
        await store.persister('doc').setDocument(new Uint8Array([9, 9, 9]));
        await store.persister('other').setDocument(new Uint8Array([5, 5]));
        await store.close();

        // At rest, one byte of the document of 'doc' flips; the sound record of 'other' is copied
        // under 'moved'; 'old' is stored as larder stored documents before checksums.
        let otherRecord: unknown;
        await window.rewriteRecords(name, 'documents', (key, value) => {
          if (key === 'other') otherRecord = value;
          if (key !== 'doc') return undefined;
          const bytes = (value as { bytes: Uint8Array }).bytes;
          bytes[1] = (bytes[1] as number) ^ 0x40;
          return value;
        });
        await window.putRaw(name, 'documents', otherRecord, 'moved');
        await window.putRaw(name, 'documents', new Uint8Array([7, 7]), 'old');

        const again = await open();
        const reports: CorruptRecord[] = [];
        again.on('corruption', (r) => reports.push(r));
        const read = async (docId: string) => {
          const d = await again.persister(docId).getDocument();
          return d === undefined ? undefined : Array.from(d);
        };
        const documents = {
          doc: await read('doc'),
          other: await read('other'),
          moved: await read('moved'),
          old: await read('old'),
        };
        const changes = (await again.persister('doc').getChanges()).map((c) => Array.from(c));
        for (let i = 0; i < 100 && reports.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
        const health = await again.health({ docId: 'doc' });
        await again.close();
        const quarantined = await window.rawRecords(name, 'quarantine');
        const storedKeys = await window.rawKeys(name, 'documents');

        // A later session reads the same, and hears nothing more.
        const third = await open();
        const later: CorruptRecord[] = [];
        third.on('corruption', (r) => later.push(r));
        const docLater = await third.persister('doc').getDocument();
        const oldLater = Array.from((await third.persister('old').getDocument()) ?? []);
        await new Promise((r) => setTimeout(r, 200));
        await third.close();
        await window.larder.deleteStore(name);
        return {
          documents,
          changes,
          reports: reports.sort((a, b) =>
            (a as { docId: string }).docId < (b as { docId: string }).docId ? -1 : 1,
          ),
          health: health.document,
          quarantined: quarantined
            .map((q) => {
              const { store, key, docId, reason } = q as Record<string, unknown>;
              return { store, key, docId, reason };
            })
            .sort((a, b) => ((a.key as string) < (b.key as string) ? -1 : 1)),
          storedKeys,
          docLater: docLater === undefined,
          oldLater,
          later: later.length,
        };
      },
      { name, engine },
    );
    expect(out.documents).toEqual({ doc: undefined, other: [5, 5], moved: undefined, old: [7, 7] });
    expect(out.changes).toEqual([[1, 1]]);
    const reason = 'its checksum does not match its content';
    expect(out.reports).toEqual([
      { kind: 'document', docId: 'doc', reason },
      { kind: 'document', docId: 'moved', reason },
    ]);
    expect(out.quarantined).toEqual([
      { store: 'documents', key: 'doc', docId: 'doc', reason },
      { store: 'documents', key: 'moved', docId: 'moved', reason },
    ]);
    expect(out.storedKeys).toEqual(['old', 'other']);
    expect(out.health).toEqual({ changes: 2, document: 0, syncStates: 0, total: 2 });
    expect(out.docLater).toBe(true);
    expect(out.oldLater).toEqual([7, 7]);
    expect(out.later).toBe(0);
  });

  test(`a sync state with a changed byte reads as absent and is quarantined and reported; the other peers' still load, one from before checksums too (${engine})`, async ({
    page,
  }) => {
    const name = uniqueName('integrity-sync');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const open = () => window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
        const store = await open();
        const doc = store.persister('doc');
        await doc.insertChanges([['a', 1, new Uint8Array([1])]]);
        await doc.setDocument(new Uint8Array([9]));
        await doc.setSyncState(new Uint8Array([1, 2]), new Uint8Array([10, 10]));
        await doc.setSyncState(new Uint8Array([3, 4]), new Uint8Array([11, 11, 11]));
        await store.close();

        // At rest, one byte of the sync state of peer 0102 flips; peer 05's is stored as larder
        // stored sync states before checksums.
        await window.rewriteRecords(name, 'syncStates', (key, value) => {
          const peer = new Uint8Array((key as [string, ArrayBuffer])[1]);
          if (peer[0] !== 1) return undefined;
          const bytes = (value as { bytes: Uint8Array }).bytes;
          bytes[0] = (bytes[0] as number) ^ 0x01;
          return value;
        });
        await window.putRaw(name, 'syncStates', new Uint8Array([12]), ['doc', new Uint8Array([5]).buffer]);

        const again = await open();
        const reports: CorruptRecord[] = [];
        again.on('corruption', (r) => reports.push(r));
        const p = again.persister('doc');
        const state = async (peer: number[]) => {
          const s = await p.getSyncState(new Uint8Array(peer));
          return s === undefined ? undefined : Array.from(s);
        };
        const states = { a: await state([1, 2]), b: await state([3, 4]), old: await state([5]) };
        const peers = (await p.getPeerIds()).map(hex).sort();
        const changes = (await p.getChanges()).length;
        const document = Array.from((await p.getDocument()) ?? []);
        for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        // Read again once moved: nothing more to report.
        const peersAfter = (await p.getPeerIds()).map(hex).sort();
        await new Promise((r) => setTimeout(r, 200));
        const health = await again.health({ docId: 'doc' });
        await again.close();
        const quarantined = (await window.rawRecords(name, 'quarantine')).map((q) => {
          const { store, key, docId, reason } = q as {
            store: string;
            key: [string, ArrayBuffer];
            docId: string;
            reason: string;
          };
          return { store, key: [key[0], hex(new Uint8Array(key[1]))], docId, reason };
        });
        const storedPeers = (await window.rawKeys(name, 'syncStates')).map((k) =>
          hex(new Uint8Array((k as [string, ArrayBuffer])[1])),
        );
        await window.larder.deleteStore(name);
        return {
          states,
          peers,
          peersAfter,
          changes,
          document,
          reports,
          health: health.document,
          quarantined,
          storedPeers,
        };
      },
      { name, engine },
    );
    const reason = 'its checksum does not match its content';
    expect(out.states).toEqual({ a: undefined, b: [11, 11, 11], old: [12] });
    expect(out.peers).toEqual(['0304', '05']);
    expect(out.peersAfter).toEqual(['0304', '05']);
    expect(out.changes).toBe(1);
    expect(out.document).toEqual([9]);
    expect(out.reports).toEqual([{ kind: 'sync-state', docId: 'doc', peer: '0102', reason }]);
    expect(out.quarantined).toEqual([{ store: 'syncStates', key: ['doc', '0102'], docId: 'doc', reason }]);
    expect(out.storedPeers).toEqual(['0304', '05']);
    // Counted: the change, the document and peer 0304's state; peer 05's was written raw, uncounted.
    expect(out.health).toEqual({ changes: 1, document: 1, syncStates: 3, total: 5 });
  });

  test(`a key-space value with a changed byte reads as absent, is left out of ranges and backups, and is quarantined and reported; a value from before checksums still reads (${engine})`, async ({
    page,
  }) => {
    const name = uniqueName('integrity-key-value');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const open = () => window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const store = await open();
        const space = store.keySpace('notes');
        await space.put(['a', '1'], new Uint8Array([1, 1]));
        await space.put(['a', '2'], new Uint8Array([2, 2]));
        await space.put(['b'], new Uint8Array([3]));
        await store.close();

        // At rest, one byte of ['a', '1'] flips; ['a', '3'] is stored as larder stored values
        // before checksums.
        await window.rewriteRecords(name, 'keyValues', (_key, value) => {
          const v = value as { key: string[]; data: Uint8Array };
          if (v.key.join('/') !== 'notes/a/1') return undefined;
          v.data[0] = (v.data[0] as number) ^ 0x80;
          return v;
        });
        await window.putRaw(name, 'keyValues', {
          key: ['notes', 'a', '3'],
          data: new Uint8Array([4]),
          written: 1,
        });

        const again = await open();
        const reports: CorruptRecord[] = [];
        again.on('corruption', (r) => reports.push(r));
        // The backup is taken before any read moved the value: it leaves it out all the same.
        const backup = await new Response(await again.exportBackup()).text();
        const s = again.keySpace('notes');
        const value = await s.get(['a', '1']);
        const range = (await s.getRange(['a'])).map((e) => [e.key.join('/'), Array.from(e.data)]);
        const all = (await s.getRange([])).map((e) => e.key.join('/'));
        const old = Array.from((await s.get(['a', '3'])) ?? []);
        for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        const allAfter = (await s.getRange([], { order: 'written' })).map((e) => e.key.join('/'));
        await new Promise((r) => setTimeout(r, 200));
        await again.close();
        const quarantined = (await window.rawRecords(name, 'quarantine')).map((q) => {
          const { store, key, space, reason } = q as Record<string, unknown>;
          return { store, key, space, reason };
        });
        const stored = (await window.rawKeys(name, 'keyValues')).map((k) => (k as string[]).join('/'));
        await window.larder.deleteStore(name);
        return {
          value: value === undefined,
          range,
          all,
          allAfter,
          old,
          reports,
          quarantined,
          stored,
          backupHas: ['"notes","a","1"', '"notes","a","2"', '"notes","a","3"'].map((k) => backup.includes(k)),
        };
      },
      { name, engine },
    );
    const reason = 'its checksum does not match its content';
    expect(out.value).toBe(true);
    expect(out.range).toEqual([
      ['a/2', [2, 2]],
      ['a/3', [4]],
    ]);
    expect(out.all).toEqual(['a/2', 'a/3', 'b']);
    expect(out.allAfter.sort()).toEqual(['a/2', 'a/3', 'b']);
    expect(out.old).toEqual([4]);
    expect(out.reports).toEqual([{ kind: 'key-value', space: 'notes', key: ['a', '1'], reason }]);
    expect(out.quarantined).toEqual([
      { store: 'keyValues', key: ['notes', 'a', '1'], space: 'notes', reason },
    ]);
    expect(out.stored).toEqual(['notes/a/2', 'notes/a/3', 'notes/b']);
    expect(out.backupHas).toEqual([false, true, true]);
  });
}
