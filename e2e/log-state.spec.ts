import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// API.md section 4, over both engines. Each test runs in the page on its own store, which it
// deletes afterwards.

for (const engine of ENGINES) {
  test.describe(`log state (${engine})`, () => {
    test.beforeEach(async ({ page }) => {
      await openHarness(page);
    });

    test('init is idempotent and keeps data; logs lists what was set; unknown logs are not-found', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const store = await openStore(name, { engine });
          const ls = store.logState();
          await ls.init();
          await ls.init();
          const empty = await ls.logs();
          const unknown = await ls.readOps('nope');
          const unknownCode = await unknown.getLatest().then(
            () => 'resolved',
            (e: unknown) => (isStoreError(e, 'not-found') ? 'not-found' : `other:${String(e)}`),
          );
          // An opened write op that never sets makes no log appear.
          const idle = await ls.writeOps('idle');
          const idleLatest = await idle.getLatest().then(
            () => 'resolved',
            (e: unknown) => (isStoreError(e, 'not-found') ? 'not-found' : `other:${String(e)}`),
          );
          await idle.close();
          const reader = await ls.readOps('a');
          for (const [id, bytes] of [
            ['a', [1]],
            ['b', [2, 2]],
            ['a/1', [3]],
          ] as const) {
            const w = await ls.writeOps(id);
            await w.set(new Uint8Array(bytes));
            await w.close();
          }
          // A read op opened before the write reads what is stored now.
          const readBefore = Array.from(await reader.getLatest());
          await ls.init();
          const afterInit = Array.from(await (await ls.readOps('b')).getLatest());
          const logs = (await ls.logs()).sort();
          await store.close();
          // A fresh store on the same database: init again keeps everything.
          const again = await openStore(name, { engine });
          const ls2 = again.logState();
          await ls2.init();
          const reopened = {
            logs: (await ls2.logs()).sort(),
            a: Array.from(await (await ls2.readOps('a')).getLatest()),
            nested: Array.from(await (await ls2.readOps('a/1')).getLatest()),
          };
          await again.close();
          await deleteStore(name);
          return { empty, unknownCode, idleLatest, readBefore, afterInit, logs, reopened };
        },
        { name: uniqueName('ls-init'), engine },
      );
      expect(out.empty).toEqual([]);
      expect(out.unknownCode).toBe('not-found');
      expect(out.idleLatest).toBe('not-found');
      expect(out.readBefore).toEqual([1]);
      expect(out.afterInit).toEqual([2, 2]);
      expect(out.logs).toEqual(['a', 'a/1', 'b']);
      expect(out.reopened).toEqual({ logs: ['a', 'a/1', 'b'], a: [1], nested: [3] });
    });

    test('of two write ops opened before either sets, the first set wins and the second conflicts', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const store = await openStore(name, { engine });
          const ls = store.logState();
          const codeOf = (p: Promise<unknown>) =>
            p.then(
              () => 'resolved',
              (e: unknown) => (isStoreError(e) ? e.code : `other:${String(e)}`),
            );
          const latest = async (id: string) => Array.from(await (await ls.readOps(id)).getLatest());

          // On a log with no checkpoint yet.
          const a = await ls.writeOps('log');
          const b = await ls.writeOps('log');
          const aSet = await codeOf(a.set(new Uint8Array([1])));
          const bSet = await codeOf(b.set(new Uint8Array([2])));
          const afterNew = await latest('log');
          const logsAfterNew = await ls.logs();

          // On a log with one: each write op snapshots it, and getLatest returns the snapshot.
          const c = await ls.writeOps('log');
          const d = await ls.writeOps('log');
          const cSnapshot = Array.from(await c.getLatest());
          const dSet = await codeOf(d.set(new Uint8Array([4])));
          const cSnapshotAfter = Array.from(await c.getLatest());
          const cSet = await codeOf(c.set(new Uint8Array([3])));
          const afterExisting = await latest('log');

          // A winner writing the very bytes the loser read still makes the loser conflict.
          const e = await ls.writeOps('log');
          const f = await ls.writeOps('log');
          const eSet = await codeOf(e.set(new Uint8Array([4])));
          const fSet = await codeOf(f.set(new Uint8Array([5])));
          const afterSame = await latest('log');

          // A conflicting set on a new log makes no log appear.
          const g = await ls.writeOps('fresh');
          const h = await ls.writeOps('fresh');
          await g.close();
          const other = await ls.writeOps('fresh');
          await other.set(new Uint8Array([9]));
          const hSet = await codeOf(h.set(new Uint8Array([8])));
          const fresh = await latest('fresh');

          await store.close();
          await deleteStore(name);
          return {
            aSet,
            bSet,
            afterNew,
            logsAfterNew,
            cSnapshot,
            dSet,
            cSnapshotAfter,
            cSet,
            afterExisting,
            eSet,
            fSet,
            afterSame,
            hSet,
            fresh,
          };
        },
        { name: uniqueName('ls-occ'), engine },
      );
      expect(out.aSet).toBe('resolved');
      expect(out.bSet).toBe('conflict');
      expect(out.afterNew).toEqual([1]);
      expect(out.logsAfterNew).toEqual(['log']);
      expect(out.cSnapshot).toEqual([1]);
      expect(out.dSet).toBe('resolved');
      expect(out.cSnapshotAfter).toEqual([1]);
      expect(out.cSet).toBe('conflict');
      expect(out.afterExisting).toEqual([4]);
      expect(out.eSet).toBe('resolved');
      expect(out.fSet).toBe('conflict');
      expect(out.afterSame).toEqual([4]);
      expect(out.hSet).toBe('conflict');
      expect(out.fresh).toEqual([9]);
    });

    test('many concurrent writers: one wins, the rest conflict, the value is the winner’s', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          // Two stores of one name: two engines and two connections racing.
          const stores = [await openStore(name, { engine }), await openStore(name, { engine })];
          const seed = await stores[0]!.logState().writeOps('log');
          await seed.set(new Uint8Array([0]));
          const n = 12;
          const writers = await Promise.all(
            Array.from({ length: n }, (_, i) => stores[i % 2]!.logState().writeOps('log')),
          );
          // Each writer's bytes are distinct and large enough to be torn if anything tore them.
          const payload = (i: number) => new Uint8Array(64 * 1024).fill(i + 1);
          const results = await Promise.all(
            writers.map((w, i) =>
              w.set(payload(i)).then(
                () => 'ok',
                (e: unknown) => (isStoreError(e, 'conflict') ? 'conflict' : `other:${String(e)}`),
              ),
            ),
          );
          const stored = await (await stores[1]!.logState().readOps('log')).getLatest();
          const winner = results.indexOf('ok');
          const whole = stored.byteLength === 64 * 1024 && stored.every((b) => b === winner + 1);
          for (const s of stores) await s.close();
          await deleteStore(name);
          return { results, winner, whole };
        },
        { name: uniqueName('ls-race'), engine },
      );
      expect(out.results.filter((r) => r === 'ok')).toHaveLength(1);
      expect(out.results.filter((r) => r === 'conflict')).toHaveLength(11);
      expect(out.winner).toBeGreaterThanOrEqual(0);
      expect(out.whole).toBe(true);
    });

    test('after set or close only close may be called; close is idempotent', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const store = await openStore(name, { engine });
          const ls = store.logState();
          const codeOf = (p: Promise<unknown>) =>
            p.then(
              () => 'resolved',
              (e: unknown) => (isStoreError(e) ? e.code : `other:${String(e)}`),
            );
          const latest = async () => Array.from(await (await ls.readOps('log')).getLatest());

          const done = await ls.writeOps('log');
          await done.set(new Uint8Array([1]));
          const afterSuccess = {
            set: await codeOf(done.set(new Uint8Array([2]))),
            getLatest: await codeOf(done.getLatest()),
            close: await codeOf(done.close()),
            closeAgain: await codeOf(done.close()),
          };

          const loser = await ls.writeOps('log');
          const winner = await ls.writeOps('log');
          await winner.set(new Uint8Array([3]));
          const lost = await codeOf(loser.set(new Uint8Array([4])));
          const afterConflict = {
            // A second try would overwrite the winner without ever having read it.
            set: await codeOf(loser.set(new Uint8Array([4]))),
            close: await codeOf(loser.close()),
          };

          const closed = await ls.writeOps('log');
          const closeFirst = await codeOf(closed.close());
          const afterClose = {
            set: await codeOf(closed.set(new Uint8Array([5]))),
            getLatest: await codeOf(closed.getLatest()),
            close: await codeOf(closed.close()),
          };
          const stored = await latest();
          await store.close();
          await deleteStore(name);
          return { afterSuccess, lost, afterConflict, closeFirst, afterClose, stored };
        },
        { name: uniqueName('ls-finish'), engine },
      );
      expect(out.afterSuccess).toEqual({
        set: 'closed',
        getLatest: 'closed',
        close: 'resolved',
        closeAgain: 'resolved',
      });
      expect(out.lost).toBe('conflict');
      expect(out.afterConflict).toEqual({ set: 'closed', close: 'resolved' });
      expect(out.closeFirst).toBe('resolved');
      expect(out.afterClose).toEqual({ set: 'closed', getLatest: 'closed', close: 'resolved' });
      expect(out.stored).toEqual([3]);
    });

    test('await using closes the write op', async ({ page }) => {
      const name = uniqueName('ls-using');
      // A string, so the page runs `await using` itself: Playwright's transpiler would rewrite
      // it into helper calls that do not exist in the page. Chromium here supports it natively.
      const out = (await page.evaluate(`(async () => {
        const { openStore, deleteStore, isStoreError } = window.larder;
        const store = await openStore(${JSON.stringify(name)}, { engine: ${JSON.stringify(engine)} });
        const ls = store.logState();
        const codeOf = (p) => p.then(() => 'resolved', (e) => (isStoreError(e) ? e.code : 'other:' + e));
        let kept;
        {
          await using ops = await ls.writeOps('log');
          kept = ops;
          await ops.set(new Uint8Array([1, 2]));
        }
        const afterSet = await codeOf(kept.set(new Uint8Array([3])));
        let unset;
        {
          await using ops = await ls.writeOps('log');
          unset = ops;
        }
        const afterScope = await codeOf(unset.set(new Uint8Array([4])));
        const direct = await ls.writeOps('log');
        await direct[Symbol.asyncDispose]();
        const afterDispose = await codeOf(direct.set(new Uint8Array([5])));
        const stored = Array.from(await (await ls.readOps('log')).getLatest());
        await store.close();
        await deleteStore(${JSON.stringify(name)});
        return { afterSet, afterScope, afterDispose, stored };
      })()`)) as Record<string, unknown>;
      expect(out).toEqual({
        afterSet: 'closed',
        afterScope: 'closed',
        afterDispose: 'closed',
        stored: [1, 2],
      });
    });

    test('bad input rejects with invalid-argument and writes nothing', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const store = await openStore(name, { engine });
          const ls = store.logState();
          const codeOf = (f: () => Promise<unknown>) =>
            f().then(
              () => 'resolved',
              (e: unknown) => (isStoreError(e) ? e.code : `other:${String(e)}`),
            );
          const bad = (v: unknown) => v as never;
          const ops = await ls.writeOps('log');
          const codes = {
            readOpsNumber: await codeOf(() => ls.readOps(bad(1))),
            readOpsUndefined: await codeOf(() => ls.readOps(bad(undefined))),
            writeOpsNumber: await codeOf(() => ls.writeOps(bad(2))),
            writeOpsObject: await codeOf(() => ls.writeOps(bad({}))),
            setArray: await codeOf(() => ops.set(bad([1, 2]))),
            setString: await codeOf(() => ops.set(bad('x'))),
            setBuffer: await codeOf(() => ops.set(bad(new ArrayBuffer(1)))),
            setNull: await codeOf(() => ops.set(bad(null))),
          };
          const logsAfterBad = await ls.logs();
          // A set rejected for bad input changes nothing, the write op's state included.
          const good = await codeOf(() => ops.set(new Uint8Array([7])));
          const stored = Array.from(await (await ls.readOps('log')).getLatest());
          await store.close();
          await deleteStore(name);
          return { codes, logsAfterBad, good, stored };
        },
        { name: uniqueName('ls-bad'), engine },
      );
      for (const [what, code] of Object.entries(out.codes)) expect(code, what).toBe('invalid-argument');
      expect(out.logsAfterBad).toEqual([]);
      expect(out.good).toBe('resolved');
      expect(out.stored).toEqual([7]);
    });

    test('any bytes round-trip, unaliased; an unclosed writer blocks nobody; closed store rejects', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const store = await openStore(name, { engine });
          const ls = store.logState();
          const digest = (d: Uint8Array) => {
            let h = 0;
            for (let i = 0; i < d.length; i++) h = (h * 33 + (d[i] as number)) | 0;
            return [d.byteLength, h];
          };
          const big = new Uint8Array(2 * 1024 * 1024 + 3).map((_, i) => (i * 13) & 0xff);
          const parent = new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x01]);
          // Not UTF-8, a view of a larger buffer, empty, large: there is no ordering or format.
          const payloads: Record<string, Uint8Array> = {
            view: parent.subarray(1, 5),
            empty: new Uint8Array(),
            big,
          };
          const sent = Object.fromEntries(Object.entries(payloads).map(([k, v]) => [k, digest(v)]));
          for (const [id, bytes] of Object.entries(payloads)) {
            const w = await ls.writeOps(id);
            await w.set(bytes);
            await w.close();
          }
          const intact = Array.from(parent);
          parent.fill(0);
          big.fill(0);
          const got: Record<string, number[]> = {};
          for (const id of Object.keys(payloads)) {
            const value = await (await ls.readOps(id)).getLatest();
            got[id] = digest(value);
            value.fill(9);
          }
          const viewAgain = Array.from(await (await ls.readOps('view')).getLatest());
          // Never closed, never set: holds nothing, so another writer goes straight through.
          const abandoned = await ls.writeOps('view');
          const next = await ls.writeOps('view');
          await next.set(new Uint8Array([42]));
          const abandonedSet = await abandoned.set(new Uint8Array([43])).then(
            () => 'resolved',
            (e: unknown) => (isStoreError(e) ? e.code : `other:${String(e)}`),
          );
          const viewFinal = Array.from(await (await ls.readOps('view')).getLatest());
          const pending = await ls.writeOps('view');
          const reader = await ls.readOps('view');
          await store.close();
          const closedCodes = await Promise.all(
            [
              ls.init(),
              ls.logs(),
              ls.readOps('view'),
              ls.writeOps('view'),
              pending.set(new Uint8Array([1])),
              reader.getLatest(),
            ].map((p) =>
              (p as Promise<unknown>).then(
                () => 'resolved',
                (e: unknown) => (isStoreError(e) ? e.code : `other:${String(e)}`),
              ),
            ),
          );
          await deleteStore(name);
          return { sent, got, intact, viewAgain, abandonedSet, viewFinal, closedCodes };
        },
        { name: uniqueName('ls-bytes'), engine },
      );
      expect(out.got).toEqual(out.sent);
      expect(out.sent['empty']).toEqual([0, 0]);
      expect(out.intact).toEqual([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x01]);
      expect(out.viewAgain).toEqual([0xfe, 0x00, 0xc3, 0x28]);
      expect(out.abandonedSet).toBe('conflict');
      expect(out.viewFinal).toEqual([42]);
      expect(out.closedCodes).toEqual(['closed', 'closed', 'closed', 'closed', 'closed', 'closed']);
    });
  });
}
