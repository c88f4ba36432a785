import { expect, test } from '@playwright/test';
import { StoreError } from '../../src/store-error.js';
import {
  WriteBehindQueue,
  type QueueConnection,
  type QueueHooks,
} from '../../src/engine/write-behind-queue.js';
import type { WriteBuffer } from '../../src/engine/write-buffer.js';

// The write-behind queue's logic, in Node, with the connection and the commit faked: which
// commits start, in what order, with what durability, and what a failure puts back. The real
// transactions are the browser suites' business (e2e/persister-contract.spec.ts, e2e/faults/).

interface Commit {
  durability: IDBTransactionDurability;
  /** change key → byte value (undefined for a removal) of the committed buffer. */
  values: Map<string, number | undefined>;
  through: number;
  settle(error?: unknown): void;
}

/** A fake database connection and a commit function whose commits the test settles by hand. */
function harness(options: { open?: boolean; maxDelayMs?: number; maxBytes?: number } = {}) {
  const commits: Commit[] = [];
  const reports: Array<[number, IDBTransactionDurability]> = [];
  const failures: Array<[string, boolean]> = [];
  const beforeClose: Array<(db: string) => void> = [];
  let resolveDb: ((db: string) => void) | undefined;
  const conn: QueueConnection<string> & { openNow: string | undefined } = {
    openNow: options.open === false ? undefined : 'db',
    db: () =>
      conn.openNow !== undefined
        ? Promise.resolve(conn.openNow)
        : new Promise<string>((resolve) => (resolveDb = resolve)),
    onBeforeClose: (fn) => void beforeClose.push(fn),
  };
  const freeings: Array<Map<string, number | undefined>> = [];
  let failFreeing: unknown;
  const hooks: QueueHooks<string> = {
    runFreeing: async (_db, buf: WriteBuffer) => {
      const values = new Map<string, number | undefined>();
      for (const [, d] of buf.docs) for (const [k, op] of d.changes) values.set(k, op.bytes?.[0]);
      freeings.push(values);
      if (failFreeing !== undefined) throw failFreeing;
    },
    committed: (through, durability) => void reports.push([through, durability]),
    failed: (error, background) => void failures.push([error.code, background]),
    run: (_db, buf: WriteBuffer, durability) =>
      new Promise<void>((resolve, reject) => {
        const values = new Map<string, number | undefined>();
        for (const [, d] of buf.docs) for (const [k, op] of d.changes) values.set(k, op.bytes?.[0]);
        commits.push({
          durability,
          values,
          through: buf.lastWrite,
          settle: (error) => (error === undefined ? resolve() : reject(error)),
        });
      }),
  };
  const queue = new WriteBehindQueue<string>(
    conn,
    { maxDelayMs: options.maxDelayMs ?? 60_000, maxBytes: options.maxBytes ?? 1 << 30 },
    [],
    async () => undefined,
    hooks,
  );
  const put = (seq: number, value: number) => {
    queue.pending.setChange('doc', 'actor', seq, new Uint8Array([value]));
    return queue.changed();
  };
  const remove = (seq: number) => {
    queue.pending.setChange('doc', 'actor', seq, undefined);
    return queue.changed();
  };
  return {
    queue,
    commits,
    freeings,
    remove,
    failFreeingWith: (e: unknown) => (failFreeing = e),
    reports,
    failures,
    put,
    openDb: () => {
      conn.openNow = 'db';
      resolveDb?.('db');
    },
    versionchange: () => beforeClose.forEach((fn) => fn('db')),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('a strict flush waits for the relaxed commit that took the buffer, then commits strictly', async () => {
  const h = harness();
  h.put(1, 10);
  const background = h.queue.flush('relaxed');
  expect(h.commits).toHaveLength(1);
  const flushed = h.queue.flush('strict');
  await tick();
  // Nothing new to write, but the relaxed commit is still in flight: no second commit yet.
  expect(h.commits).toHaveLength(1);
  h.commits[0]?.settle();
  await background;
  await tick();
  // The relaxed commit is not enough for flush(): an (empty) strict commit follows it.
  expect(h.commits.map((c) => c.durability)).toEqual(['relaxed', 'strict']);
  h.commits[1]?.settle();
  // And flush reports the bytes it covered, not 0.
  expect(await flushed).toBe(1);
  expect(h.reports).toEqual([
    [1, 'relaxed'],
    [1, 'strict'],
  ]);
});

test('a synchronous commit never starts beside a queued one', async () => {
  const h = harness({ open: false });
  h.put(1, 10);
  const first = h.queue.flush('strict'); // waits for the connection
  h.openDb(); // the database is now open, but the first flush has not run yet
  h.put(2, 20);
  const second = h.queue.flush('strict');
  await tick();
  expect(h.commits).toHaveLength(1);
  h.commits[0]?.settle();
  await first;
  await tick();
  expect(h.commits).toHaveLength(1); // the first commit took both writes
  await second;
  expect([...(h.commits[0]?.values ?? new Map()).values()].sort()).toEqual([10, 20]);
});

test('a failed commit puts its writes back under newer ones and is reported', async () => {
  const h = harness();
  h.put(1, 10);
  h.put(2, 20);
  const failing = h.queue.flush('relaxed');
  h.put(2, 21); // newer value of a key the failing commit holds
  h.commits[0]?.settle(new StoreError('quota-exceeded', 'full'));
  await expect(failing).rejects.toMatchObject({ code: 'quota-exceeded' });
  expect(h.failures).toEqual([['quota-exceeded', true]]);
  expect(h.reports).toEqual([]);
  const retry = h.queue.flush('strict');
  expect(h.commits).toHaveLength(2);
  expect([...(h.commits[1]?.values ?? new Map()).values()].sort()).toEqual([10, 21]);
  expect(h.commits[1]?.through).toBe(3);
  h.commits[1]?.settle();
  await retry;
  expect(h.reports).toEqual([[3, 'strict']]);
});

test('a versionchange does not start a second commit beside one in flight', async () => {
  const h = harness();
  h.put(1, 10);
  const inflight = h.queue.flush('relaxed');
  h.put(2, 20);
  h.versionchange();
  expect(h.commits).toHaveLength(1);
  h.commits[0]?.settle(new Error('aborted by close'));
  await expect(inflight).rejects.toBeInstanceOf(StoreError);
  // Both writes are still buffered, oldest under newest, for the reopen.
  expect(h.queue.pendingBytes).toBe(2);
  h.versionchange();
  expect(h.commits).toHaveLength(2);
  expect(h.commits[1]?.durability).toBe('strict');
  h.commits[1]?.settle();
});

test('write ids grow by one per write and a commit reports the last it covers', async () => {
  const h = harness();
  expect([h.put(1, 1), h.put(2, 2), h.put(3, 3)]).toEqual([1, 2, 3]);
  const f = h.queue.flush('strict');
  const id = h.put(4, 4); // after the swap: not covered by the commit under way
  h.commits[0]?.settle();
  await f;
  expect(id).toBe(4);
  expect(h.reports).toEqual([[3, 'strict']]);
  expect(h.queue.pendingBytes).toBe(1);
});

test('a failed background commit is retried by itself after a backoff', async () => {
  const h = harness({ maxDelayMs: 0 });
  h.put(1, 1);
  await new Promise((r) => setTimeout(r, 5));
  expect(h.commits).toHaveLength(1);
  h.commits[0]?.settle(new StoreError('quota-exceeded', 'full'));
  await tick();
  expect(h.failures).toEqual([['quota-exceeded', true]]);
  // No busy loop: nothing is retried at once.
  await new Promise((r) => setTimeout(r, 50));
  expect(h.commits).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 600));
  expect(h.commits).toHaveLength(2);
  h.commits[1]?.settle();
  h.queue.stop();
});

test('discard drops what is buffered', () => {
  const h = harness();
  h.put(1, 1);
  expect(h.queue.discard()).toBe(true);
  expect(h.queue.pendingBytes).toBe(0);
  expect(h.queue.discard()).toBe(false);
});

test('after a full disk, removals commit first on their own, then the rest', async () => {
  const h = harness();
  h.put(1, 10);
  const first = h.queue.flush('relaxed');
  h.commits[0]?.settle(new StoreError('quota-exceeded', 'full'));
  await expect(first).rejects.toMatchObject({ code: 'quota-exceeded' });
  h.remove(5); // the app frees space
  const second = h.queue.flush('strict');
  await tick();
  // The removal went alone, ahead of the write that needs room.
  expect(h.freeings).toEqual([new Map([['5:actor', undefined]])]);
  expect(h.commits).toHaveLength(2);
  expect([...(h.commits[1]?.values ?? new Map()).values()]).toEqual([10]);
  h.commits[1]?.settle();
  await second;
  expect(h.reports).toEqual([[2, 'strict']]);
});

test('a failed freeing commit puts the removals back with the rest', async () => {
  const h = harness();
  h.put(1, 10);
  const first = h.queue.flush('relaxed');
  h.commits[0]?.settle(new StoreError('quota-exceeded', 'full'));
  await expect(first).rejects.toMatchObject({ code: 'quota-exceeded' });
  h.remove(5);
  h.failFreeingWith(new StoreError('quota-exceeded', 'still full'));
  await expect(h.queue.flush('strict')).rejects.toMatchObject({ code: 'quota-exceeded' });
  expect(h.commits).toHaveLength(1);
  // Both writes are buffered again: the write and the removal.
  expect(h.queue.pendingBytes).toBe(1);
  h.failFreeingWith(undefined);
  const retry = h.queue.flush('strict');
  await tick();
  expect(h.freeings.at(-1)).toEqual(new Map([['5:actor', undefined]]));
  h.commits[1]?.settle();
  await retry;
});
