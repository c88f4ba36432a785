import type { Change, ChangeStore, Contender } from './change-store.js';
import { deleteDatabase, done, openDatabase, request } from './idb-util.js';

const CHANGES = 'changes';
const DOCUMENTS = 'documents';
const META = 'meta';

/** What both raw contenders do alike: the strict commit marker, the document, closing. */
function shared(db: IDBDatabase): Pick<ChangeStore, 'commit' | 'putDocument' | 'getDocument' | 'close'> {
  return {
    async commit() {
      const tx = db.transaction(META, 'readwrite', { durability: 'strict' });
      tx.objectStore(META).put(0, 'commit');
      await done(tx);
    },
    async putDocument(data) {
      const tx = db.transaction(DOCUMENTS, 'readwrite', { durability: 'strict' });
      tx.objectStore(DOCUMENTS).put(data, 'doc');
      await done(tx);
    },
    async getDocument() {
      const tx = db.transaction(DOCUMENTS, 'readonly');
      return (await request(tx.objectStore(DOCUMENTS).get('doc'))) as Uint8Array | undefined;
    },
    close: async () => db.close(),
  };
}

/**
 * IndexedDB by hand, one record per change keyed `[actor, seq]`.
 *
 * - 'batched' (the reference): one `relaxed` transaction per call, however many changes it
 *   holds; `commit` writes a marker in a `strict` transaction, which makes everything before
 *   it durable.
 * - 'per-change': one transaction per change at the browser's default durability, all of a
 *   call's transactions issued at once: what an app that wraps `put` in a helper does.
 */
export function rawIdb(mode: 'batched' | 'per-change'): Contender {
  return {
    name: mode === 'batched' ? 'raw IndexedDB' : 'raw IndexedDB, tx per change',
    async open(name) {
      const db = await openDatabase(name, (d) => {
        d.createObjectStore(CHANGES);
        d.createObjectStore(DOCUMENTS);
        d.createObjectStore(META);
      });
      const putOne = (c: Change) => {
        const tx = db.transaction(CHANGES, 'readwrite');
        tx.objectStore(CHANGES).put(c.bytes, [c.actor, c.seq]);
        return done(tx);
      };
      return {
        async write(changes) {
          if (mode === 'per-change') {
            await Promise.all(changes.map(putOne));
            return;
          }
          const tx = db.transaction(CHANGES, 'readwrite', { durability: 'relaxed' });
          const store = tx.objectStore(CHANGES);
          for (const c of changes) store.put(c.bytes, [c.actor, c.seq]);
          await done(tx);
        },
        async readAll() {
          const tx = db.transaction(CHANGES, 'readonly');
          return (await request(tx.objectStore(CHANGES).getAll())) as Uint8Array[];
        },
        ...shared(db),
      };
    },
    remove: deleteDatabase,
  };
}

const PACKED = 'packed';

/** One batch as one record: its changes' keys, where each ends in `bytes`, and the bytes. */
interface PackedBatch {
  keys: Array<[actor: string, seq: number]>;
  ends: Uint32Array;
  bytes: Uint8Array;
}

/**
 * IndexedDB by hand at the layout's limit: each call's changes packed into one record (one
 * buffer and an index), one `relaxed` transaction per call; reads hand out views into each
 * record's buffer. Issue 16 sets larder's W1 against this: what one packed record per batch
 * costs, with nothing else (no upserts across batches, no checksums, no worker).
 */
export function rawPackedIdb(): Contender {
  return {
    name: 'raw IndexedDB, packed',
    async open(name) {
      const db = await openDatabase(name, (d) => {
        d.createObjectStore(PACKED, { autoIncrement: true });
        d.createObjectStore(DOCUMENTS);
        d.createObjectStore(META);
      });
      return {
        async write(changes) {
          let size = 0;
          for (const c of changes) size += c.bytes.byteLength;
          const bytes = new Uint8Array(size);
          const ends = new Uint32Array(changes.length);
          let at = 0;
          changes.forEach((c, i) => {
            bytes.set(c.bytes, at);
            at += c.bytes.byteLength;
            ends[i] = at;
          });
          const record: PackedBatch = { keys: changes.map((c) => [c.actor, c.seq]), ends, bytes };
          const tx = db.transaction(PACKED, 'readwrite', { durability: 'relaxed' });
          tx.objectStore(PACKED).add(record);
          await done(tx);
        },
        async readAll() {
          const tx = db.transaction(PACKED, 'readonly');
          const records = (await request(tx.objectStore(PACKED).getAll())) as PackedBatch[];
          const out: Uint8Array[] = [];
          for (const r of records) {
            let start = 0;
            for (const end of r.ends) {
              out.push(r.bytes.subarray(start, end));
              start = end;
            }
          }
          return out;
        },
        ...shared(db),
      };
    },
    remove: deleteDatabase,
  };
}
