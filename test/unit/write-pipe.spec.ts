import { expect, test } from '@playwright/test';
import type { BufferedWrite } from '../../src/protocol.js';
import { StoreError } from '../../src/store-error.js';
import { coalesceWrites, type QueuedWrite } from '../../src/client/coalesce-writes.js';
import { WritePipe } from '../../src/client/write-pipe.js';
import { packBytes, unpackBytes } from '../../src/packed-bytes.js';
import { WriteTracker } from '../../src/client/write-tracker.js';

// The write pipe acknowledges buffered writes before the engine has them: what it sends, when,
// and what a store reports when the engine never gets them.

const put = (key: string): BufferedWrite => ['keySpace', 'put', ['s', [key], new Uint8Array([1])]];
const pending = (target: string) => ({ method: 'put', target, bytes: 1 });
/** The key a {@link put} writes. */
const keyOf = (w: BufferedWrite | undefined) => (w?.[2][1] as string[] | undefined)?.[0];

function setup(reply: (writes: BufferedWrite[]) => Promise<number>) {
  const batches: BufferedWrite[][] = [];
  const tracker = new WriteTracker(() => undefined);
  const pipe = new WritePipe(
    (writes) => {
      batches.push(writes);
      return reply(writes);
    },
    (done, writes) => tracker.track(done, writes),
  );
  /** What ClientContext.write does with a checked write: queue it, then acknowledge it. */
  const write = (key: string) => {
    void pipe.push(put(key), [], pending(key));
    tracker.acknowledged(1);
  };
  return { batches, tracker, pipe, write };
}

const endOfTask = () => new Promise((r) => setTimeout(r, 10));

test('the writes of one task go as one batch, in order, at the end of the task', async () => {
  let id = 0;
  const { batches, pipe } = setup(async (w) => (id += w.length));
  for (const k of ['a', 'b', 'c']) void pipe.push(put(k), [], pending(k));
  expect(batches, 'nothing sent within the task').toEqual([]);
  await endOfTask();
  expect(batches.map((b) => b.map(keyOf))).toEqual([['a', 'b', 'c']]);
  void pipe.push(put('d'), [], pending('d'));
  await endOfTask();
  expect(batches.map((b) => b.length)).toEqual([3, 1]);
  pipe.close();
});

test('send() sends at once (what every other engine call does first), and only once', async () => {
  const { batches, pipe } = setup(async () => 1);
  void pipe.push(put('a'), [], pending('a'));
  pipe.send();
  expect(batches).toHaveLength(1);
  pipe.send();
  await endOfTask();
  expect(batches, 'the end-of-task send finds nothing left').toHaveLength(1);
  pipe.close();
});

test('queued writes are unsaved, and a receipt covers them until the engine committed them', async () => {
  const { tracker, pipe, write } = setup(async () => 7);
  write('a');
  write('b');
  expect(tracker.hasUnsaved()).toBe(true);
  expect(tracker.status()).toMatchObject({ unsavedBytes: 2, unsavedWrites: 2 });
  const receipt = tracker.receipt();
  expect(receipt.state).toBe('buffered');
  await endOfTask();
  expect(tracker.status()).toMatchObject({ unsavedBytes: 2, unsavedWrites: 2 });
  let committed = false;
  const waiting = receipt.committed().then(() => (committed = true));
  await endOfTask();
  expect(committed, 'not committed before a commit report').toBe(false);
  tracker.committed(7, 'relaxed');
  await waiting;
  expect(tracker.status()).toMatchObject({ unsavedBytes: 0, unsavedWrites: 0 });
  expect(tracker.hasUnsaved()).toBe(false);
  pipe.close();
});

test('a lost engine reports every acknowledged write it never committed: queued, sent and refused', async () => {
  const lost = new StoreError('engine-lost', 'gone');
  let refuse: ((e: unknown) => void) | undefined;
  const { tracker, pipe } = setup((w) =>
    keyOf(w[0]) === 'sent'
      ? new Promise((_, reject) => (refuse = reject)) // the engine never answers this one
      : Promise.reject(lost),
  );
  void pipe.push(put('refused'), [], pending('refused'));
  await endOfTask(); // sent, and refused by the engine
  void pipe.push(put('sent'), [], pending('sent'));
  await endOfTask(); // sent, no answer yet
  void pipe.push(put('queued'), [], pending('queued'));
  const reported = tracker.fail(lost).map((w) => w.target);
  expect(reported.sort()).toEqual(['queued', 'refused', 'sent']);
  // Answers that come after the failure change nothing and are reported nowhere else.
  refuse?.(lost);
  await endOfTask();
  expect(tracker.fail(lost)).toEqual([]);
  pipe.close();
});

test('a run of small insertChanges to one document crosses as one call, in order', () => {
  const ins = (doc: string, seq: number, ...b: number[]): QueuedWrite => {
    const seqs = new Float64Array([seq]);
    const packed = packBytes([new Uint8Array(b)]);
    return { op: ['persister', 'insertChanges', [doc, ['a'], seqs, packed]], transfers: [seqs.buffer] };
  };
  const other: QueuedWrite = { op: put('k'), transfers: [] };
  const big = ins('d', 9, ...new Array<number>(5000).fill(7));
  const { writes, transfers } = coalesceWrites([
    ins('d', 1, 1),
    ins('d', 2, 2, 2),
    ins('d', 1, 3), // a later write of key (a, 1): it stays after the first, and wins
    ins('e', 1, 4),
    other,
    ins('d', 3, 5),
    big,
  ]);
  const shape = writes.map((w) =>
    w[1] === 'insertChanges'
      ? [w[2][0], [...w[2][2]], unpackBytes(w[2][3]).map((v) => [...v].slice(0, 2))]
      : w[1],
  );
  expect(shape).toEqual([
    ['d', [1, 2, 1], [[1], [2, 2], [3]]],
    ['e', [1], [[4]]],
    'put',
    // A run is only what is consecutive, and a large call is sent as it is.
    ['d', [3], [[5]]],
    ['d', [9], [[7, 7]]],
  ]);
  // The merged call's own buffers are transferred, not those of the calls it replaced.
  const merged = writes[0] as Extract<BufferedWrite, readonly ['persister', 'insertChanges', unknown]>;
  expect(transfers).toContain(merged[2][2].buffer);
  expect(transfers).toContain(merged[2][3].bytes.buffer);
  expect(transfers).toHaveLength(3 + 1 + 1 + 1);
});
