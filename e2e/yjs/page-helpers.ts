/**
 * Page-side helpers of the Yjs specs, on `window.yjsKit`: what a test reads from storage and how
 * it types, kept here so that every spec reads and types the same way.
 */
import * as Y from 'yjs';
import { openStore, type Store } from '../../src/index.js';
import { LarderPersistence } from '../../src/yjs/index.js';
import { sendAllWaiting } from '../../src/yjs/update-sender.js';

/**
 * Opens store `name` and a synced provider of document `docName` on it, neither of which
 * commits on its own (write-behind and 'stored' delays of ten minutes): only an explicit commit
 * (`whenStored()`, `store.flush()`, a hide) saves what is typed.
 */
export async function openHeld(
  name: string,
  docName: string,
  engine: 'worker' | 'inline' = 'worker',
): Promise<{ store: Store; doc: Y.Doc; provider: LarderPersistence }> {
  const store = await openStore(name, { engine, writeBehind: { maxDelayMs: 600_000, maxBytes: 1 << 30 } });
  const doc = new Y.Doc();
  const provider = new LarderPersistence(docName, doc, { store, storeDelayMs: 600_000 });
  await provider.whenSynced;
  return { store, doc, provider };
}

/** Every entry of the key space `space`, as `key=bytes` lines in key order. */
export async function snapshot(store: Store, space = 'yjs'): Promise<string[]> {
  const entries = await store.keySpace(space).getRange([]);
  return entries.map(({ key, data }) => `${JSON.stringify(key)}=${Array.from(data).join(',')}`);
}

/** How many updates of `doc` are stored, and their bytes. */
export async function storedUpdates(store: Store, doc: string): Promise<{ count: number; bytes: number }> {
  const entries = await store.keySpace('yjs').getRange([doc, 'u']);
  return { count: entries.length, bytes: entries.reduce((n, e) => n + e.data.byteLength, 0) };
}

/** Types `text` at the end of the doc's text 't', one Yjs update per character. */
export function type(doc: Y.Doc, text: string): void {
  const t = doc.getText('t');
  for (const ch of text) t.insert(t.length, ch);
}

/**
 * Resolves with the store's pending bytes once the provider has handed the updates it holds
 * back to the store (within `SEND_DELAY_MS`), without sending them itself: the store then holds
 * them buffered, and only a commit saves them.
 */
export async function untilHandedOver(store: Store): Promise<number> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const { pendingBytes } = await store.stats();
    if (pendingBytes > 0 || performance.now() > deadline) return pendingBytes;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Types `text` like {@link type}, but sends each character's update to the store and waits
 * until it has it, so that each is stored as its own entry (the provider merges the updates
 * made within a few milliseconds, and while a write is in flight).
 */
export async function typeOneByOne(doc: Y.Doc, store: Store, text: string): Promise<void> {
  const t = doc.getText('t');
  for (const ch of text) {
    t.insert(t.length, ch);
    sendAllWaiting();
    // A round trip through the engine, behind the provider's write, then a new task: the
    // inline engine acknowledges in microtasks that may outlast the round trip.
    await store.stats();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** One IndexedDB write request, with the transaction it was made in. */
export interface WriteRecord {
  tx: number;
  op: 'put' | 'delete';
  key: string;
}

/**
 * Records every put and delete made on any object store of this page from now on, with a
 * number per transaction, to see which writes share a commit (inline engine only: a worker's
 * IndexedDB calls are in the worker).
 */
export function recordWrites(): WriteRecord[] {
  const log: WriteRecord[] = [];
  const ids = new WeakMap<IDBTransaction, number>();
  let next = 0;
  const txId = (store: IDBObjectStore) => {
    let id = ids.get(store.transaction);
    if (id === undefined) {
      id = next++;
      ids.set(store.transaction, id);
    }
    return id;
  };
  const proto = IDBObjectStore.prototype;
  const { put, delete: del } = proto;
  proto.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const inline = (value as { key?: unknown } | null)?.key;
    log.push({ tx: txId(this), op: 'put', key: JSON.stringify(key ?? inline) });
    return put.call(this, value, key);
  };
  proto.delete = function (this: IDBObjectStore, query: IDBValidKey | IDBKeyRange) {
    log.push({ tx: txId(this), op: 'delete', key: JSON.stringify(query) });
    return del.call(this, query);
  };
  return log;
}
