/**
 * Page-side half of the SIGKILL loop (sigkill-loop.spec.ts): a write loop that announces, on
 * the console, each write the moment larder acknowledged it, and a reader that says what a
 * store holds. Every value carries its own id, so the reader can verify it byte for byte.
 */
import type { Store } from '../../../src/index.js';
import { pattern } from './fault-page.js';

/**
 * The first store of a freshly launched browser loads the worker's modules with a cold cache;
 * on a loaded 2-core machine that took more than the default 2 s start timeout. This test is
 * about kills, not start times.
 */
const START_TIMEOUT_MS = 30_000;

/** What became durable: announced as `ack <json>` on the console. */
export interface Ack {
  /** Change ids whose flush() resolved. */
  changes?: number[];
  /** The document version whose flush() resolved. */
  doc?: number;
  /** The consensus seqno whose compareAndSet resolved 'committed'. */
  cas?: number;
  /** Table row ids whose batch commit resolved. */
  rows?: number[];
}

/** The bytes of change `id`: its id, then bytes derived from it; 16 B to 4 KiB. */
export function changeBytes(id: number): Uint8Array {
  const size = 16 + ((id * 7919) % 4080);
  const b = new Uint8Array(size);
  new DataView(b.buffer).setUint32(0, id);
  b.set(pattern(id, size - 4), 4);
  return b;
}

/** The id of `bytes` if they are exactly some change's bytes, else -1. */
export function changeId(bytes: Uint8Array): number {
  if (bytes.byteLength < 4) return -1;
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const want = changeBytes(id);
  if (want.byteLength !== bytes.byteLength) return -1;
  for (let i = 0; i < want.length; i++) if (want[i] !== bytes[i]) return -1;
  return id;
}

/** The bytes of document version `v`: 64 KiB, so that a document write takes a while. */
export function docBytes(v: number): Uint8Array {
  const b = new Uint8Array(64 * 1024);
  new DataView(b.buffer).setUint32(0, v);
  b.set(pattern(v, b.length - 4), 4);
  return b;
}

/** What a store holds, verified: ids of intact values, and counts of damaged ones. */
export interface Held {
  changes: number[];
  damagedChanges: number;
  /** The version of an intact document, -1 for none, -2 for a damaged one. */
  doc: number;
  cas: number;
  rows: number[];
  damagedRows: number;
  /** The store's storage id: a different one means a different database. */
  storageId: string;
}

/**
 * Whether the browser still lists the store's database, before anything opens it (opening
 * would create it). `error` is the browser's when it cannot even list its databases.
 */
export async function probeDatabase(name: string): Promise<{ listed: boolean; error?: string }> {
  try {
    return { listed: (await indexedDB.databases()).some((d) => d.name === `larder:${name}`) };
  } catch (e) {
    return { listed: false, error: String(e) };
  }
}

/** Reads everything the loop writes, through larder, and verifies it. */
export async function readHeld(
  name: string,
  expectStorageId: string | undefined,
): Promise<Held | { error: { code: string | undefined; message: string } }> {
  let store: Store;
  try {
    store = await window.larder.openStore(name, {
      startTimeoutMs: START_TIMEOUT_MS,
      ...(expectStorageId === undefined ? {} : { expectStorageId }),
    });
  } catch (e) {
    const code = window.larder.isStoreError(e) ? e.code : undefined;
    return { error: { code, message: String(e) } };
  }
  try {
    const p = store.persister('doc');
    const ids = (await p.getChanges()).map(changeId);
    const doc = await p.getDocument();
    let docVersion = -1;
    if (doc !== undefined) {
      const v = doc.byteLength >= 4 ? new DataView(doc.buffer, doc.byteOffset).getUint32(0) : -1;
      const want = docBytes(v);
      docVersion = v >= 0 && want.length === doc.length && want.every((x, i) => doc[i] === x) ? v : -2;
    }
    const head = await store.consensus().head('counter');
    const rows = (await store.table('rows').getAll()) as Array<[number, { id: number; data: Uint8Array }]>;
    const goodRows = rows.filter(([k, v]) => {
      const want = pattern(k, 64);
      return v.id === k && v.data.length === 64 && v.data.every((x, i) => x === want[i]);
    });
    return {
      changes: ids.filter((id) => id >= 0),
      damagedChanges: ids.filter((id) => id < 0).length,
      doc: docVersion,
      cas: head === undefined ? 0 : Number(head.seqno),
      rows: goodRows.map(([k]) => k),
      damagedRows: rows.length - goodRows.length,
      storageId: store.storageId,
    };
  } finally {
    await store.close();
  }
}

/**
 * Opens the store and starts writing until the browser is killed: changes in batches, a
 * document now and then, a flush every other step (then acknowledging what it covered), a
 * compare-and-set and a batch commit each step. Resolves once the store is open.
 *
 * @param first - the first id this loop uses; ids of different loops must not overlap.
 */
export async function startWriteLoop(
  name: string,
  engine: 'worker' | 'inline',
  first: number,
  cas: number,
): Promise<string> {
  const store: Store = await window.larder.openStore(name, { engine, startTimeoutMs: START_TIMEOUT_MS });
  const p = store.persister('doc');
  const ack = (a: Ack) => console.log(`ack ${JSON.stringify(a)}`);
  let id = first;
  let seqno = cas;
  // Written but not yet covered by a resolved flush.
  let unacked: number[] = [];
  let unackedDoc: number | undefined;
  // Not awaited: the loop runs until the browser dies under it.
  void (async () => {
    for (let step = 0; ; step++) {
      const batch: Array<[string, number, Uint8Array]> = [];
      for (let k = 0; k < 1 + (step % 7); k++, id++) batch.push([`actor${id % 3}`, id, changeBytes(id)]);
      await p.insertChanges(batch);
      unacked.push(...batch.map(([, id]) => id));
      if (step % 3 === 0) {
        await p.setDocument(docBytes(first + step));
        unackedDoc = first + step;
      }
      if (step % 2 === 0) {
        const covered = { changes: unacked, ...(unackedDoc === undefined ? {} : { doc: unackedDoc }) };
        unacked = [];
        unackedDoc = undefined;
        await store.flush();
        ack(covered);
      }
      const next = seqno + 1;
      const r = await store.consensus().compareAndSet('counter', seqno === 0 ? undefined : BigInt(seqno), {
        seqno: BigInt(next),
        data: pattern(next, 32),
      });
      if (r === 'committed') {
        seqno = next;
        ack({ cas: next });
      }
      const row = first + step;
      await store
        .batch()
        .put('rows', row, { id: row, data: pattern(row, 64) })
        .commit();
      ack({ rows: [row] });
    }
  })().catch((e: unknown) => console.log(`loop-error ${String(e)}`));
  return store.storageId;
}
