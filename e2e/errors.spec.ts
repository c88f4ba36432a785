/**
 * Errors (API.md section 8 and the conventions above section 1) over the Persister: bad
 * arguments reject with `invalid-argument` and change nothing, a closed store rejects with
 * `closed`, and every rejection is a `StoreError` on the main thread, worker engine included.
 */
import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from './support/harness.js';
import { expectedSnapshot, openPersisterPage } from './support/persister-fixture.js';

const HOLD = { maxDelayMs: 60_000, maxBytes: 64 * 1024 * 1024 };

/** How every rejection is expected to look: a `StoreError` with its code, as a Promise. */
function rejected(code: string) {
  return { code, isStoreError: true, isStoreErrorOfCode: true, isInstance: true, threwSynchronously: false };
}

/** `value` under every key of `results`: one comparison that shows every mismatching label. */
function everyKey<T>(results: Record<string, unknown>, value: T): Record<string, T> {
  return Object.fromEntries(Object.keys(results).map((label) => [label, value]));
}

/** What the seeded persister holds; no rejected call may change it. */
const SEEDED = expectedSnapshot({
  changes: [[1], [2, 2]],
  document: [3],
  states: [
    [[1], [4]],
    [[2], [5, 5]],
  ],
});

for (const engine of ENGINES) {
  test.describe(`Persister errors, engine '${engine}'`, () => {
    test.beforeEach(async ({ page }) => openPersisterPage(page));

    test("bad arguments reject with 'invalid-argument' and change nothing", async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const p = store.persister('doc');
          await p.insertChanges([
            ['a', 1, pp.bytes(1)],
            ['a', 2, pp.bytes(2, 2)],
          ]);
          await p.setDocument(pp.bytes(3));
          await p.setSyncState(pp.bytes(1), pp.bytes(4));
          await store.flush();
          // One more write still buffered, so a rejected call could also disturb the buffer.
          await p.setSyncState(pp.bytes(2), pp.bytes(5, 5));
          const seeded = await pp.snapshot(p);
          // The arguments are wrong on purpose: the casts get them past the compiler.
          const bad = (x: unknown) => x as never;
          const good = pp.bytes(9);
          const cases: Record<string, () => Promise<unknown>> = {
            'insertChanges seq -1': () => p.insertChanges([['a', -1, good]]),
            'insertChanges seq 1.5': () => p.insertChanges([['a', 1.5, good]]),
            'insertChanges seq NaN': () => p.insertChanges([['a', NaN, good]]),
            'insertChanges seq Infinity': () => p.insertChanges([['a', Infinity, good]]),
            'insertChanges seq 2 ** 53': () => p.insertChanges([['a', 2 ** 53, good]]),
            "insertChanges seq '1'": () => p.insertChanges([['a', bad('1'), good]]),
            'insertChanges seq 1n': () => p.insertChanges([['a', bad(1n), good]]),
            'insertChanges seq missing': () => p.insertChanges([bad(['a'])]),
            'insertChanges change ArrayBuffer': () => p.insertChanges([['a', 1, bad(new ArrayBuffer(1))]]),
            'insertChanges change number[]': () => p.insertChanges([['a', 1, bad([9])]]),
            'insertChanges change DataView': () =>
              p.insertChanges([['a', 1, bad(new DataView(good.buffer))]]),
            'insertChanges change Int8Array': () => p.insertChanges([['a', 1, bad(new Int8Array(1))]]),
            'insertChanges change Uint8ClampedArray': () =>
              p.insertChanges([['a', 1, bad(new Uint8ClampedArray(1))]]),
            'insertChanges change string': () => p.insertChanges([['a', 1, bad('x')]]),
            'insertChanges change undefined': () => p.insertChanges([['a', 1, bad(undefined)]]),
            "insertChanges actor ''": () => p.insertChanges([['', 1, good]]),
            'insertChanges actor number': () => p.insertChanges([[bad(1), 1, good]]),
            'insertChanges actor null': () => p.insertChanges([[bad(null), 1, good]]),
            'insertChanges tuple not an array': () =>
              p.insertChanges([bad({ 0: 'a', 1: 1, 2: good, length: 3 })]),
            'insertChanges tuple null': () => p.insertChanges([bad(null)]),
            'insertChanges argument undefined': () => p.insertChanges(bad(undefined)),
            'insertChanges argument null': () => p.insertChanges(bad(null)),
            'insertChanges argument a tuple object': () =>
              p.insertChanges(bad({ length: 1, 0: ['a', 1, good] })),
            'insertChanges argument a string': () => p.insertChanges(bad('a')),
            'removeChanges seq -1': () => p.removeChanges([['a', -1]]),
            'removeChanges seq 1.5': () => p.removeChanges([['a', 1.5]]),
            'removeChanges seq NaN': () => p.removeChanges([['a', NaN]]),
            "removeChanges seq '1'": () => p.removeChanges([['a', bad('1')]]),
            "removeChanges actor ''": () => p.removeChanges([['', 1]]),
            'removeChanges actor number': () => p.removeChanges([[bad(1), 1]]),
            'removeChanges tuple not an array': () => p.removeChanges([bad({ 0: 'a', 1: 1, length: 2 })]),
            'removeChanges argument undefined': () => p.removeChanges(bad(undefined)),
            'removeChanges argument a string': () => p.removeChanges(bad('a')),
            'setDocument ArrayBuffer': () => p.setDocument(bad(new ArrayBuffer(1))),
            'setDocument number[]': () => p.setDocument(bad([9])),
            'setDocument DataView': () => p.setDocument(bad(new DataView(good.buffer))),
            'setDocument string': () => p.setDocument(bad('x')),
            'setDocument undefined': () => p.setDocument(bad(undefined)),
            'setDocument null': () => p.setDocument(bad(null)),
            'getSyncState peer ArrayBuffer': () => p.getSyncState(bad(new ArrayBuffer(1))),
            'getSyncState peer number[]': () => p.getSyncState(bad([1])),
            'getSyncState peer string': () => p.getSyncState(bad('1')),
            'getSyncState peer undefined': () => p.getSyncState(bad(undefined)),
            'setSyncState peer ArrayBuffer': () => p.setSyncState(bad(new ArrayBuffer(1)), good),
            'setSyncState peer number[]': () => p.setSyncState(bad([1]), good),
            'setSyncState peer string': () => p.setSyncState(bad('1'), good),
            'setSyncState peer undefined': () => p.setSyncState(bad(undefined), good),
            'setSyncState state ArrayBuffer': () => p.setSyncState(pp.bytes(1), bad(new ArrayBuffer(1))),
            'setSyncState state number[]': () => p.setSyncState(pp.bytes(1), bad([9])),
            'setSyncState state undefined (new peer)': () => p.setSyncState(pp.bytes(3), bad(undefined)),
            'setSyncState state undefined (stored peer)': () => p.setSyncState(pp.bytes(1), bad(undefined)),
            'setSyncState state null (buffered peer)': () => p.setSyncState(pp.bytes(2), bad(null)),
            'removeSyncStates argument undefined': () => p.removeSyncStates(bad(undefined)),
            'removeSyncStates argument a Uint8Array': () => p.removeSyncStates(bad(pp.bytes(1))),
            'removeSyncStates peer ArrayBuffer': () => p.removeSyncStates([bad(new ArrayBuffer(1))]),
            'removeSyncStates peer number[]': () => p.removeSyncStates([bad([1])]),
            'removeSyncStates peer string': () => p.removeSyncStates([bad('1')]),
          };
          const seededJson = JSON.stringify(seeded);
          type Result = { outcome: unknown; unchanged: boolean; flushed: number | null };
          const runAll = async (flushEach: boolean) => {
            const results: Record<string, Result> = {};
            for (const [label, call] of Object.entries(cases)) {
              const outcome = await pp.outcome(call);
              const unchanged = JSON.stringify(await pp.snapshot(p)) === seededJson;
              // With nothing else buffered, a flush shows whether the call buffered anything.
              const flushed = flushEach ? await store.flush() : null;
              results[label] = { outcome, unchanged, flushed };
            }
            return results;
          };
          // First with a write still buffered, then with everything committed.
          const overBuffer = await runAll(false);
          const seedFlushed = await store.flush();
          const overCommitted = await runAll(true);
          await store.close();
          const again = await pp.open(name, engine);
          const reopened = await pp.snapshot(again.persister('doc'));
          await pp.cleanup(name, again);
          return {
            seeded,
            overBuffer,
            seedFlushed,
            overCommitted,
            reopened,
            count: Object.keys(cases).length,
          };
        },
        { name: uniqueName('bad-args'), engine, hold: HOLD },
      );
      expect(out.seeded).toEqual(SEEDED);
      expect(out.seedFlushed).toBeGreaterThanOrEqual(2);
      expect(Object.keys(out.overBuffer)).toHaveLength(out.count);
      expect(out.overBuffer, 'over a buffered write').toEqual(
        everyKey(out.overBuffer, { outcome: rejected('invalid-argument'), unchanged: true, flushed: null }),
      );
      expect(out.overCommitted, 'over committed data').toEqual(
        everyKey(out.overBuffer, { outcome: rejected('invalid-argument'), unchanged: true, flushed: 0 }),
      );
      expect(out.reopened).toEqual(SEEDED);
    });

    test('a call with one bad item among good ones stores none of them', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const p = store.persister('doc');
          await p.insertChanges([
            ['a', 1, pp.bytes(1)],
            ['a', 2, pp.bytes(2, 2)],
          ]);
          await p.setDocument(pp.bytes(3));
          await p.setSyncState(pp.bytes(1), pp.bytes(4));
          await p.setSyncState(pp.bytes(2), pp.bytes(5, 5));
          const bad = (x: unknown) => x as never;
          const cases: Record<string, () => Promise<unknown>> = {
            // New keys and an overwrite of a stored key around a bad tuple: none of them lands.
            'insertChanges, bad seq in the middle': () =>
              p.insertChanges([
                ['a', 1, pp.bytes(7, 7, 7)],
                ['z', 5, pp.bytes(8)],
                ['b', -1, pp.bytes(9)],
                ['c', 1, pp.bytes(10)],
              ]),
            'insertChanges, bad change last': () =>
              p.insertChanges([
                ['z', 6, pp.bytes(8)],
                ['a', 2, pp.bytes(11)],
                ['c', 2, bad([1, 2])],
              ]),
            'insertChanges, bad actor first': () =>
              p.insertChanges([
                ['', 1, pp.bytes(1)],
                ['a', 1, pp.bytes(12)],
              ]),
            'removeChanges, bad seq last': () =>
              p.removeChanges([
                ['a', 1],
                ['a', 2],
                ['a', 0.5],
              ]),
            'removeChanges, bad tuple first': () => p.removeChanges([bad('a'), ['a', 1]]),
            'removeSyncStates, bad peer last': () => p.removeSyncStates([pp.bytes(1), pp.bytes(2), bad([3])]),
            'removeSyncStates, bad peer first': () => p.removeSyncStates([bad(null), pp.bytes(1)]),
          };
          const phase = async () => {
            const seeded = JSON.stringify(await pp.snapshot(p));
            const results: Record<string, { outcome: unknown; unchanged: boolean }> = {};
            for (const [label, call] of Object.entries(cases)) {
              const outcome = await pp.outcome(call);
              results[label] = { outcome, unchanged: JSON.stringify(await pp.snapshot(p)) === seeded };
            }
            return results;
          };
          const buffered = await phase();
          await store.flush();
          const committed = await phase();
          const leftBuffered = await store.flush();
          await store.close();
          const again = await pp.open(name, engine);
          const reopened = await pp.snapshot(again.persister('doc'));
          await pp.cleanup(name, again);
          return { buffered, committed, leftBuffered, reopened, count: Object.keys(cases).length };
        },
        { name: uniqueName('mixed'), engine, hold: HOLD },
      );
      expect(Object.keys(out.buffered)).toHaveLength(out.count);
      for (const [phase, results] of Object.entries({ buffered: out.buffered, committed: out.committed })) {
        expect(results, phase).toEqual(
          everyKey(out.buffered, { outcome: rejected('invalid-argument'), unchanged: true }),
        );
      }
      expect(out.leftBuffered).toBe(0);
      expect(out.reopened).toEqual(SEEDED);
    });

    test("every call on a closed store rejects with 'closed'", async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const p = store.persister('doc');
          await p.insertChanges([['a', 1, pp.bytes(1)]]);
          await store.close();
          const peer = pp.bytes(1);
          // `get` runs inside each call, so a persister() that throws is reported, not fatal.
          const calls = (get: () => typeof p): Record<string, () => Promise<unknown>> => {
            return {
              getChanges: () => get().getChanges(),
              insertChanges: () => get().insertChanges([['a', 2, pp.bytes(2)]]),
              removeChanges: () => get().removeChanges([['a', 1]]),
              getDocument: () => get().getDocument(),
              setDocument: () => get().setDocument(pp.bytes(3)),
              getSyncState: () => get().getSyncState(peer),
              setSyncState: () => get().setSyncState(peer, pp.bytes(4)),
              removeSyncStates: () => get().removeSyncStates([peer]),
              getPeerIds: () => get().getPeerIds(),
              sizes: () => get().sizes(),
              flush: () => get().flush(),
              // No-op arguments too: a closed store rejects before looking at them.
              'insertChanges([])': () => get().insertChanges([]),
              'removeChanges([])': () => get().removeChanges([]),
              'removeSyncStates([])': () => get().removeSyncStates([]),
            };
          };
          const results: Record<string, unknown> = {};
          for (const [label, call] of Object.entries(calls(() => p))) results[label] = await pp.outcome(call);
          results['store.flush'] = await pp.outcome(() => store.flush());
          // A persister taken after close() belongs to the closed store as well: its calls
          // reject with 'closed' (taking it must not throw something else).
          const late: Record<string, string> = {};
          for (const [label, call] of Object.entries(calls(() => store.persister('late')))) {
            const o = await pp.outcome(call);
            late[label] = o.threwSynchronously ? `threw ${o.code}` : o.code;
          }
          const again = await pp.open(name, engine);
          const reopened = pp.sorted(await again.persister('doc').getChanges());
          await pp.cleanup(name, again);
          return { results, late, reopened };
        },
        { name: uniqueName('closed'), engine, hold: HOLD },
      );
      expect(Object.keys(out.results)).toHaveLength(15);
      expect(out.results).toEqual(everyKey(out.results, rejected('closed')));
      expect(Object.keys(out.late)).toHaveLength(14);
      expect(out.late).toEqual(everyKey(out.late, 'closed'));
      expect(out.reopened).toEqual([[1]]);
    });

    test('isStoreError and instanceof StoreError hold on the main thread', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          const { isStoreError, StoreError } = window.larder;
          const store = await pp.open(name, engine);
          let caught: unknown;
          try {
            await store.persister('doc').insertChanges([['a', -1, pp.bytes(1)]]);
          } catch (e) {
            caught = e;
          }
          const e = caught as Error & { code?: string };
          const result = {
            isStoreError: isStoreError(e),
            ofItsCode: isStoreError(e, 'invalid-argument'),
            ofAnotherCode: isStoreError(e, 'closed'),
            instanceOfStoreError: e instanceof StoreError,
            instanceOfError: e instanceof Error,
            code: e.code,
            hasMessage: typeof e.message === 'string' && e.message.length > 0,
            plainError: isStoreError(new Error('x')),
            lookalike: isStoreError({ name: 'StoreError', code: 'closed', message: 'x' }),
            nothing: isStoreError(undefined),
            constructed: isStoreError(new StoreError('conflict', 'x'), 'conflict'),
            constructedOtherCode: isStoreError(new StoreError('conflict', 'x'), 'aborted'),
          };
          await pp.cleanup(name, store);
          return result;
        },
        { name: uniqueName('is'), engine },
      );
      expect(out).toEqual({
        isStoreError: true,
        ofItsCode: true,
        ofAnotherCode: false,
        instanceOfStoreError: true,
        instanceOfError: true,
        code: 'invalid-argument',
        hasMessage: true,
        plainError: false,
        lookalike: false,
        nothing: false,
        constructed: true,
        constructedOtherCode: false,
      });
    });

    test('an error raised inside the engine arrives as a StoreError with its code', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          // An old-version connection that never closes: the engine's upgrade is blocked, in
          // the worker for the worker engine.
          const raw = await new Promise<IDBDatabase>((resolve, reject) => {
            const req = indexedDB.open(`larder:${name}`, 1);
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => reject(req.error ?? new Error('open failed'));
          });
          const opened = await pp.outcome(() => pp.open(name, engine));
          raw.close();
          await pp.cleanup(name);
          return opened;
        },
        { name: uniqueName('engine-error'), engine },
      );
      expect(out).toEqual(rejected('blocked'));
    });

    test("openStore rejects bad writeBehind options with 'invalid-argument' and creates nothing", async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          const bad = (x: unknown) => x as never;
          const cases: Record<string, Parameters<typeof pp.open>[2]> = {
            'maxDelayMs -1': { writeBehind: { maxDelayMs: -1 } },
            'maxDelayMs NaN': { writeBehind: { maxDelayMs: NaN } },
            'maxDelayMs Infinity': { writeBehind: { maxDelayMs: Infinity } },
            "maxDelayMs '10'": { writeBehind: { maxDelayMs: bad('10') } },
            'maxBytes -1': { writeBehind: { maxBytes: -1 } },
            'maxBytes NaN': { writeBehind: { maxBytes: NaN } },
            'writeBehind null': { writeBehind: bad(null) },
            'writeBehind a number': { writeBehind: bad(5) },
            "flushOnHide 'yes'": { flushOnHide: bad('yes') },
          };
          const results: Record<string, unknown> = {};
          for (const [label, options] of Object.entries(cases)) {
            results[label] = await pp.outcome(() => pp.open(name, engine, options));
          }
          const created = await pp.exists(`larder:${name}`);
          await pp.cleanup(name);
          return { results, created };
        },
        { name: uniqueName('bad-options'), engine },
      );
      expect(Object.keys(out.results)).toHaveLength(9);
      expect(out.results).toEqual(everyKey(out.results, rejected('invalid-argument')));
      expect(out.created).toBe(false);
    });
  });
}

test("openStore rejects a bad engine or name with 'invalid-argument' and creates nothing", async ({
  page,
}) => {
  await openPersisterPage(page);
  const out = await page.evaluate(async (name) => {
    const { pp } = window;
    const { openStore } = window.larder;
    const bad = (x: unknown) => x as never;
    const cases: Record<string, () => Promise<unknown>> = {
      "engine 'nope'": () => openStore(name, { engine: bad('nope') }),
      "engine 'Worker'": () => openStore(name, { engine: bad('Worker') }),
      'engine a number': () => openStore(name, { engine: bad(1) }),
      'engine an object': () => openStore(name, { engine: bad({ postMessage() {} }) }),
      'engine null': () => openStore(name, { engine: bad(null) }),
      'options a string': () => openStore(name, bad('inline')),
      'options null': () => openStore(name, bad(null)),
      "name ''": () => openStore('', { engine: 'inline' }),
      'name a number': () => openStore(bad(1), { engine: 'inline' }),
    };
    const results: Record<string, unknown> = {};
    for (const [label, call] of Object.entries(cases)) results[label] = await pp.outcome(call);
    const created = await pp.exists(`larder:${name}`);
    return { results, created };
  }, uniqueName('bad-engine'));
  expect(Object.keys(out.results)).toHaveLength(9);
  expect(out.results).toEqual(everyKey(out.results, rejected('invalid-argument')));
  expect(out.created).toBe(false);
});
