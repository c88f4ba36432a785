/**
 * What automerge-repo's acceptance suite does not check, over the larder adapter on each engine:
 * a Repo that edits, closes and finds its documents again; the whole-space ranges; bytes and
 * arrays; hostile input that must leave stored chunks alone. Tabs and kills are in
 * e2e/automerge-repo-adapter.spec.ts.
 */
import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';
import {
  initializeBase64Wasm,
  Repo,
  type AutomergeUrl,
  type StorageKey,
} from '@automerge/automerge-repo/slim';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LarderStorageAdapter } from '../../src/automerge-repo/index.js';
import { deleteStore, openStore, type Store } from '../../src/index.js';

interface Notes {
  title: string;
  lines: string[];
}

let counter = 0;
const uniqueName = (what: string) => `am-${what}-${Date.now().toString(36)}-${++counter}`;

/** A fresh copy of `n` bytes derived from `seed`. */
const bytes = (seed: number, n: number) => new Uint8Array(n).map((_, i) => (seed * 31 + i * 7) & 0xff);

beforeAll(async () => {
  await initializeBase64Wasm(automergeWasmBase64);
});

for (const engine of ['worker', 'inline'] as const) {
  describe(`LarderStorageAdapter beyond the upstream suite, engine '${engine}'`, () => {
    const names: string[] = [];
    const open: Store[] = [];
    const openAdapter = async (name: string, space?: string) => {
      const store = await openStore(name, { engine });
      open.push(store);
      return new LarderStorageAdapter(store, space === undefined ? {} : { space });
    };
    const fresh = (what: string) => {
      const name = uniqueName(`${what}-${engine}`);
      names.push(name);
      return name;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
      for (const n of names.splice(0)) await deleteStore(n);
    });

    it('a Repo edits, closes, and a new Repo on the store finds every document', async () => {
      const name = fresh('repo');
      const first = await openAdapter(name);
      const repo = new Repo({ storage: first, network: [] });
      const urls: AutomergeUrl[] = [];
      for (let d = 0; d < 3; d++) {
        const handle = repo.create<Notes>({ title: `doc ${d}`, lines: [] });
        // Enough saves for incremental chunks and at least one compaction into a snapshot.
        for (let i = 0; i < 40; i++) {
          handle.change((doc) => void doc.lines.push(`line ${i} of ${d}`));
          if (i % 10 === 9) await repo.flush();
        }
        urls.push(handle.url);
      }
      // The Repo makes its storage id in the background; have it made before the store closes.
      const storageId = await repo.storageId();
      await repo.shutdown();
      await first.store.close();

      const second = await openAdapter(name);
      const again = new Repo({ storage: second, network: [] });
      for (let d = 0; d < 3; d++) {
        const handle = await again.find<Notes>(urls[d] as AutomergeUrl);
        const doc = handle.doc();
        expect(doc.title).toBe(`doc ${d}`);
        expect(doc.lines).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i} of ${d}`));
      }
      // Each document is stored as a snapshot, maybe with incremental chunks, under its id.
      const kinds = new Set((await second.loadRange([])).map((c) => c.key[1] ?? c.key[0]));
      expect(kinds).toContain('snapshot');
      for (const kind of kinds) expect(['snapshot', 'incremental', 'storage-adapter-id']).toContain(kind);
      expect(await again.storageId()).toBe(storageId);
      await again.shutdown();
    });

    it('loadRange([]) returns every chunk once and removeRange([]) removes every chunk', async () => {
      const a = await openAdapter(fresh('all'));
      const keys: StorageKey[] = [['x'], ['x', 'y'], ['x', 'y', 'z'], ['xy'], [''], ['b', 'c']];
      for (const [i, k] of keys.entries()) await a.save(k, bytes(i, 3));
      // The same keys again: rewriting a chunk does not duplicate it.
      for (const [i, k] of keys.entries()) await a.save(k, bytes(i + 10, 3));
      const all = await a.loadRange([]);
      expect(all.map((c) => c.key).sort()).toEqual([...keys].sort());
      for (const c of all)
        expect(c.data).toEqual(bytes(keys.findIndex((k) => k.join() === c.key.join()) + 10, 3));
      await a.store.flush();
      expect((await a.loadRange([])).length).toBe(keys.length);
      await a.removeRange([]);
      expect(await a.loadRange([])).toEqual([]);
      for (const k of keys) expect(await a.load(k)).toBeUndefined();
    });

    it('chunks come back byte-identical; the arrays passed to save are neither kept nor detached', async () => {
      const a = await openAdapter(fresh('bytes'));
      const every = new Uint8Array(256).map((_, i) => i);
      const large = bytes(3, 3 * 1024 * 1024 + 17);
      const backing = new Uint8Array(100).map((_, i) => i);
      const view = backing.subarray(40, 50);
      await a.save(['doc', 'every'], every);
      await a.save(['doc', 'empty'], new Uint8Array(0));
      await a.save(['doc', 'large'], large);
      await a.save(['doc', 'view'], view);
      // Still the caller's, whole and usable.
      expect(every.byteLength).toBe(256);
      expect(view.byteLength).toBe(10);
      expect(backing.buffer.byteLength).toBe(100);
      const check = async () => {
        expect(await a.load(['doc', 'every'])).toEqual(new Uint8Array(256).map((_, i) => i));
        expect(await a.load(['doc', 'empty'])).toEqual(new Uint8Array(0));
        expect(await a.load(['doc', 'view'])).toEqual(new Uint8Array(10).map((_, i) => 40 + i));
        const got = await a.load(['doc', 'large']);
        expect(got?.byteLength).toBe(large.byteLength);
        expect(got?.every((b, i) => b === large[i])).toBe(true);
        expect((await a.loadRange(['doc'])).length).toBe(4);
      };
      // The caller reuses its arrays at once.
      every.fill(0);
      view.fill(0);
      await check();
      await a.store.flush();
      await check();
    });

    it('hostile input rejects invalid-argument and leaves what was stored alone', async () => {
      const a = await openAdapter(fresh('hostile'));
      await a.save(['doc', 'incremental', 'h1'], bytes(1, 8));
      await a.store.flush();
      const detached = bytes(2, 8);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      const bad = (v: unknown) => v as never;
      const attempts: Array<() => Promise<unknown>> = [
        () => a.save(['doc', 'incremental', 'h1'], bad('not bytes')),
        () => a.save(['doc', 'incremental', 'h1'], detached),
        () => a.save(['doc', 'incremental', 'h1'], bad(Array.from(bytes(3, 8)))),
        () => a.save(bad(['doc', 'incremental', 7]), bytes(3, 8)),
        () => a.save([], bytes(3, 8)),
        () => a.save(bad(undefined), bytes(3, 8)),
        () => a.remove([]),
        () => a.removeRange(bad(['doc', null])),
        () => a.loadRange(bad('doc')),
        () => a.load(bad([['doc']])),
      ];
      for (const attempt of attempts) {
        await expect(attempt()).rejects.toMatchObject({ name: 'StoreError', code: 'invalid-argument' });
      }
      expect((await a.store.stats()).pendingBytes).toBe(0);
      expect(await a.loadRange([])).toEqual([{ key: ['doc', 'incremental', 'h1'], data: bytes(1, 8) }]);
      expect(() => new LarderStorageAdapter(bad({}))).toThrow(
        expect.objectContaining({ code: 'invalid-argument' }),
      );
    });

    it('two adapters on one store keep apart by key space; open() owns its store', async () => {
      const name = fresh('spaces');
      const a = await openAdapter(name);
      const b = await openAdapter(name, 'second-repo');
      await a.save(['doc', 'snapshot', 'h'], bytes(1, 4));
      await b.save(['doc', 'snapshot', 'h'], bytes(2, 4));
      expect(await a.loadRange(['doc'])).toEqual([{ key: ['doc', 'snapshot', 'h'], data: bytes(1, 4) }]);
      await b.removeRange([]);
      expect(await a.load(['doc', 'snapshot', 'h'])).toEqual(bytes(1, 4));
      expect(await b.load(['doc', 'snapshot', 'h'])).toBeUndefined();
      await a.store.flush();

      const owned = await LarderStorageAdapter.open(name, { engine });
      expect(await owned.load(['doc', 'snapshot', 'h'])).toEqual(bytes(1, 4));
      await owned.save(['doc', 'incremental', 'i'], bytes(3, 4));
      await owned.close();
      // close() flushed and closed the store it opened.
      await expect(owned.load(['doc', 'incremental', 'i'])).rejects.toMatchObject({ code: 'closed' });
      expect(await a.load(['doc', 'incremental', 'i'])).toEqual(bytes(3, 4));
    });
  });
}
