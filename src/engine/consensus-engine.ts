import type { CaSResult, VersionedData } from '../contracts/consensus.js';
import { packBytes, packedBuffers, type PackedBytes } from '../packed-bytes.js';
import { StoreError } from '../store-error.js';
import { recordConsensus } from './change-feed.js';
import { MAX_GET_ALL_COUNT, type Tx } from './connection.js';
import { STORES } from './schema.js';
import { decodeU63, encodeU63 } from './u63-key.js';
import { EnginePart } from './engine-part.js';

/** A run of versions, ascending: `seqnos[i]` is the seqno of packed value `i`. */
export interface VersionRun {
  seqnos: BigInt64Array;
  data: PackedBytes;
}

/**
 * The Consensus side of the engine API. Arguments arrive validated by the client; the
 * validation that needs storage (truncate past the head) happens here.
 */
export interface ConsensusEngineApi {
  listKeys(): Promise<string[]>;
  head(key: string): Promise<VersionedData | undefined>;
  compareAndSet(
    key: string,
    expected: bigint | undefined,
    seqno: bigint,
    data: Uint8Array,
  ): Promise<CaSResult>;
  scan(key: string, from: bigint, limit: number): Promise<VersionRun>;
  truncate(key: string, seqno: bigint): Promise<number>;
}

/** A version's primary key in the consensus store. */
type VersionKey = [key: string, seqno: string];

/**
 * Consensus over two object stores: versions keyed `[key, encodeU63(seqno)]`, so one key's
 * versions are one contiguous key range in numeric order, and the set of keys that ever
 * committed.
 *
 * @remarks
 * Every read-then-write is one readwrite transaction over the versions store. IndexedDB runs
 * readwrite transactions with overlapping scopes one at a time, across every connection to the
 * database (IndexedDB spec, "transaction scheduling"), which is what makes `compareAndSet`
 * linearizable across tabs and workers.
 */
export class ConsensusEngine extends EnginePart implements ConsensusEngineApi {
  async listKeys(): Promise<string[]> {
    return this.conn.run([STORES.consensusKeys], 'readonly', (tx) =>
      tx.objectStore(STORES.consensusKeys).getAllKeys(),
    );
  }

  async head(key: string): Promise<VersionedData | undefined> {
    const found = await this.conn.run([STORES.consensus], 'readonly', async (tx) => {
      const cursor = await tx.objectStore(STORES.consensus).openCursor(keyRange(key), 'prev');
      if (cursor === null) return undefined;
      return { seqno: seqnoOf(cursor.key), data: cursor.value };
    });
    if (found === undefined) return undefined;
    return this.mark(found, [found.data.buffer as ArrayBuffer]);
  }

  async compareAndSet(
    key: string,
    expected: bigint | undefined,
    seqno: bigint,
    data: Uint8Array,
  ): Promise<CaSResult> {
    const write = this.conn.run(
      [STORES.consensus, STORES.consensusKeys],
      'readwrite',
      async (tx) => {
        const versions = tx.objectStore(STORES.consensus);
        if ((await headSeqno(tx, key)) !== expected) return 'expectation-mismatch';
        const writes: Promise<unknown>[] = [versions.add(data, [key, encodeU63(seqno)])];
        // The key has no data exactly when `expected` is undefined, since truncate keeps the head.
        if (expected === undefined) writes.push(tx.objectStore(STORES.consensusKeys).put(true, key));
        await Promise.all(writes);
        return 'committed';
      },
      // 'strict' waits for the commit to reach the disk: a resolved 'committed' survives a kill.
      'strict',
    );
    return this.feed.track(write, (notice, result) => {
      if (result === 'committed') recordConsensus(notice, key, seqno);
    });
  }

  async scan(key: string, from: bigint, limit: number): Promise<VersionRun> {
    const range = IDBKeyRange.bound([key, encodeU63(from)], [key, []]);
    // A count of 0 means "no limit" to getAll, so an empty scan must not reach it.
    const [keys, values] =
      limit === 0
        ? [[], []]
        : await this.conn.run([STORES.consensus], 'readonly', (tx) => {
            const versions = tx.objectStore(STORES.consensus);
            const count = Math.min(limit, MAX_GET_ALL_COUNT);
            return Promise.all([versions.getAllKeys(range, count), versions.getAll(range, count)]);
          });
    const seqnos = new BigInt64Array(keys.length);
    keys.forEach((k, i) => (seqnos[i] = seqnoOf(k)));
    const data = packBytes(values);
    return this.mark({ seqnos, data }, [seqnos.buffer, ...packedBuffers(data)]);
  }

  async truncate(key: string, seqno: bigint): Promise<number> {
    return this.conn.run([STORES.consensus], 'readwrite', async (tx) => {
      const head = await headSeqno(tx, key);
      if (head === undefined) throw new StoreError('invalid-argument', `Consensus key "${key}" has no data`);
      if (seqno > head) {
        throw new StoreError(
          'invalid-argument',
          `Cannot truncate "${key}" at ${seqno}, past its head ${head}`,
        );
      }
      // `[key]` sorts before every `[key, seqno]`, so the range is empty for seqno 0n.
      const below = IDBKeyRange.bound([key], [key, encodeU63(seqno)], false, true);
      const versions = tx.objectStore(STORES.consensus);
      const [deleted] = await Promise.all([versions.count(below), versions.delete(below)]);
      return deleted;
    });
  }
}

/** Every version key of `key`: arrays sort after strings (IndexedDB key order). */
function keyRange(key: string): IDBKeyRange {
  return IDBKeyRange.bound([key], [key, []]);
}

function seqnoOf(key: VersionKey): bigint {
  return decodeU63(key[1]);
}

/** Reads the head's seqno with one reverse key cursor, without loading any data. */
async function headSeqno(tx: Tx<'readwrite'>, key: string): Promise<bigint | undefined> {
  const cursor = await tx.objectStore(STORES.consensus).openKeyCursor(keyRange(key), 'prev');
  return cursor === null ? undefined : seqnoOf(cursor.key);
}
