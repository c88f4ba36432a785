import { expect, test, type Page } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import { openYjsHarness } from './open-yjs-harness.js';

// What LarderPersistence does beyond y-indexeddb (its issues #31, #36, #28 and tabs without a
// network provider), on both engines. y-indexeddb's own tests are in y-indexeddb-port.spec.ts.

async function deleteStoreIn(page: Page, name: string): Promise<void> {
  await page.evaluate((name) => window.larder.deleteStore(name), name);
}

for (const engine of ENGINES) {
  test.describe(`LarderPersistence (${engine} engine)`, () => {
    let name: string;
    test.beforeEach(async ({ page }) => {
      name = uniqueName(`yjs-${engine}`);
      await openYjsHarness(page);
    });
    test.afterEach(async ({ page }) => {
      await deleteStoreIn(page, name);
    });

    test('a document loaded and not edited writes nothing, however often it is loaded', async ({ page }) => {
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larder, larderYjs, yjsKit } = window;
          const store = await larder.openStore(name, { engine });
          const doc = new Y.Doc();
          const first = new larderYjs.LarderPersistence('doc', doc, { store });
          await first.whenSynced;
          yjsKit.type(doc, 'hello, larder');
          await first.whenStored();
          await first.destroy();
          const before = await yjsKit.snapshot(store);
          const texts: string[] = [];
          for (let i = 0; i < 3; i++) {
            const again = new Y.Doc();
            const p = new larderYjs.LarderPersistence('doc', again, { store });
            await p.whenSynced;
            texts.push(again.getText('t').toString());
            await p.whenStored();
            await p.destroy();
          }
          // A document that already holds exactly what is stored: loading it stores nothing.
          const copy = new Y.Doc();
          const source = new Y.Doc();
          const reader = new larderYjs.LarderPersistence('doc', source, { store });
          await reader.whenSynced;
          Y.applyUpdate(copy, Y.encodeStateAsUpdate(source));
          await reader.destroy();
          const same = new larderYjs.LarderPersistence('doc', copy, { store });
          await same.whenSynced;
          await same.whenStored();
          await same.destroy();
          const after = await yjsKit.snapshot(store);
          await store.close();
          return { before, after, texts };
        },
        { name, engine },
      );
      expect(result.texts).toEqual(['hello, larder', 'hello, larder', 'hello, larder']);
      expect(result.before.length).toBeGreaterThan(0);
      expect(result.after).toEqual(result.before);
    });

    test('content a document had before loading is stored once, merged with what was stored', async ({
      page,
    }) => {
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larder, larderYjs, yjsKit } = window;
          const store = await larder.openStore(name, { engine });
          const a = new Y.Doc();
          const pa = new larderYjs.LarderPersistence('doc', a, { store });
          await pa.whenSynced;
          yjsKit.type(a, 'stored');
          await pa.destroy();
          const before = (await yjsKit.storedUpdates(store, 'doc')).count;
          // Content made offline before the provider was attached, as y-indexeddb's tests do.
          const b = new Y.Doc();
          b.getArray('own').insert(0, ['made before loading']);
          const pb = new larderYjs.LarderPersistence('doc', b, { store });
          await pb.whenSynced;
          await pb.whenStored();
          const afterFirst = (await yjsKit.storedUpdates(store, 'doc')).count;
          await pb.destroy();
          const c = new Y.Doc();
          const pc = new larderYjs.LarderPersistence('doc', c, { store });
          await pc.whenSynced;
          await pc.destroy();
          await store.close();
          return {
            before,
            afterFirst,
            text: c.getText('t').toString(),
            own: c.getArray('own').toArray(),
            bText: b.getText('t').toString(),
          };
        },
        { name, engine },
      );
      expect(result.afterFirst).toBe(result.before + 1);
      expect(result.bText).toBe('stored');
      expect(result.text).toBe('stored');
      expect(result.own).toEqual(['made before loading']);
    });

    test('whenStored() resolves once every update is committed, and the stored event after a commit', async ({
      page,
    }) => {
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larder, larderYjs, yjsKit } = window;
          // A write-behind that never commits on its own: only the provider's commits do.
          const { store, doc, provider: explicit } = await yjsKit.openHeld(name, 'explicit', engine);
          yjsKit.type(doc, 'abc');
          const pendingBefore = await yjsKit.untilHandedOver(store);
          await explicit.whenStored();
          const pendingAfter = (await store.stats()).pendingBytes;
          await explicit.destroy();

          await store.close();

          // The event waits for the store's own commit, half a second after the writes.
          const later = await larder.openStore(name, { engine, writeBehind: { maxDelayMs: 500 } });
          const other = new Y.Doc();
          const timed = new larderYjs.LarderPersistence('timed', other, { store: later, storeDelayMs: 0 });
          await timed.whenSynced;
          let fired = false;
          const stored = new Promise<number>((resolve) => {
            timed.once('stored', () => {
              fired = true;
              void later.stats().then((s) => resolve(s.pendingBytes));
            });
          });
          yjsKit.type(other, 'xyz');
          const pendingBeforeEvent = await yjsKit.untilHandedOver(later);
          const firedEarly = fired;
          const pendingAtEvent = await stored;
          await timed.destroy();
          await later.close();
          return { pendingBefore, pendingAfter, pendingBeforeEvent, firedEarly, pendingAtEvent };
        },
        { name, engine },
      );
      expect(result.pendingBefore).toBeGreaterThan(0);
      expect(result.pendingAfter).toBe(0);
      expect(result.pendingBeforeEvent).toBeGreaterThan(0);
      expect(result.firedEarly).toBe(false);
      expect(result.pendingAtEvent).toBe(0);
    });

    test('updates typed together are stored as one entry, and store.flush() commits what the provider holds back', async ({
      page,
    }) => {
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larderYjs, yjsKit } = window;
          // Neither the store nor the provider commits on its own: only store.flush() can.
          const { store, doc, provider } = await yjsKit.openHeld(name, 'held', engine);
          yjsKit.type(doc, 'hello');
          await store.flush();
          const pendingAfterFlush = (await store.stats()).pendingBytes;
          const stored = await yjsKit.storedUpdates(store, 'held');
          await provider.destroy();
          const again = new Y.Doc();
          const reader = new larderYjs.LarderPersistence('held', again, { store });
          await reader.whenSynced;
          await reader.destroy();
          await store.close();
          return { pendingAfterFlush, count: stored.count, text: again.getText('t').toString() };
        },
        { name, engine },
      );
      // Five updates, one per character, made in one task: one entry.
      expect(result.count).toBe(1);
      expect(result.pendingAfterFlush).toBe(0);
      expect(result.text).toBe('hello');
    });

    test('custom metadata round-trips; a bad key or value rejects and writes nothing', async ({ page }) => {
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larder, larderYjs, yjsKit } = window;
          const store = await larder.openStore(name, { engine });
          const p = new larderYjs.LarderPersistence('doc', new Y.Doc(), { store });
          await p.whenSynced;
          const date = new Date(Date.UTC(2024, 1, 29));
          const value = {
            n: -0,
            big: 12345678901234567890n,
            nan: NaN,
            when: date,
            bytes: new Uint8Array([1, 2, 255]),
            floats: new Float64Array([0.5, -1]),
            nested: [undefined, null, true, 'x', { deep: new Map([[1, new Set(['a'])]]) }],
          };
          const returned = await p.set('obj', value);
          await p.set(4, 'four');
          await p.set('4', 'string four');
          await p.set(date, 'by date');
          await p.set([1, 'a'], 'by array');
          await p.set(new Uint8Array([9, 9]), 'by bytes');
          const got = (await p.get('obj')) as typeof value;
          const keys = {
            four: await p.get(4),
            stringFour: await p.get('4'),
            byDate: await p.get(new Date(date.getTime())),
            byArray: await p.get([1, 'a']),
            byBuffer: await p.get(new Uint8Array([9, 9]).buffer),
            missing: await p.get('nope'),
          };
          await p.del(4);
          const deleted = await p.get(4);
          const before = await yjsKit.snapshot(store);
          const codes: string[] = [];
          const bad: Array<() => Promise<unknown>> = [
            () => p.set({} as unknown as string, 1),
            () => p.set(NaN, 1),
            () => p.set('f', () => 1),
            () => p.set('s', Symbol('s')),
            () => {
              const cycle: { self?: unknown } = {};
              cycle.self = cycle;
              return p.set('cycle', cycle);
            },
            () => p.get(null as unknown as string),
            () => p.set('blob', new Blob(['would come back empty'])),
          ];
          for (const call of bad) {
            codes.push(
              await call().then(
                () => 'resolved',
                (e: unknown) => (larder.isStoreError(e) ? e.code : String(e)),
              ),
            );
          }
          const after = await yjsKit.snapshot(store);
          await p.destroy();
          await store.close();
          return {
            returned,
            objectIsNegativeZero: Object.is(got.n, -0),
            big: got.big === value.big,
            nan: Number.isNaN(got.nan),
            when: got.when instanceof Date && got.when.getTime() === date.getTime(),
            bytes: got.bytes instanceof Uint8Array ? Array.from(got.bytes) : null,
            floats: got.floats instanceof Float64Array ? Array.from(got.floats) : null,
            nested: [
              got.nested[0] === undefined && 0 in got.nested,
              got.nested[1],
              got.nested[2],
              got.nested[3],
              [...((got.nested[4] as { deep: Map<number, Set<string>> }).deep.get(1) ?? [])],
            ],
            keys,
            deleted,
            codes,
            unchanged: JSON.stringify(before) === JSON.stringify(after),
          };
        },
        { name, engine },
      );
      expect(result.returned).toBe('obj');
      expect(result.objectIsNegativeZero).toBe(true);
      expect(result.big).toBe(true);
      expect(result.nan).toBe(true);
      expect(result.when).toBe(true);
      expect(result.bytes).toEqual([1, 2, 255]);
      expect(result.floats).toEqual([0.5, -1]);
      expect(result.nested).toEqual([true, null, true, 'x', ['a']]);
      expect(result.keys).toEqual({
        four: 'four',
        stringFour: 'string four',
        byDate: 'by date',
        byArray: 'by array',
        byBuffer: 'by bytes',
        missing: undefined,
      });
      expect(result.deleted).toBeUndefined();
      expect(result.codes).toEqual(Array(7).fill('invalid-argument'));
      expect(result.unchanged).toBe(true);
    });

    test('past the byte threshold the stored updates are merged into one; the document reloads whole', async ({
      page,
    }) => {
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larder, larderYjs, yjsKit } = window;
          const store = await larder.openStore(name, { engine });
          const doc = new Y.Doc();
          const p = new larderYjs.LarderPersistence('doc', doc, { store, compactBytes: 4096 });
          await p.whenSynced;
          const text = 'the quick brown fox jumps over the lazy dog. '.repeat(20);
          const counts: number[] = [];
          for (let i = 0; i < text.length; i += 100) {
            await yjsKit.typeOneByOne(doc, store, text.slice(i, i + 100));
            await p.whenStored();
            counts.push((await yjsKit.storedUpdates(store, 'doc')).count);
          }
          await p.destroy();
          const again = new Y.Doc();
          const q = new larderYjs.LarderPersistence('doc', again, { store });
          await q.whenSynced;
          await q.destroy();
          await store.close();
          return { counts, text: again.getText('t').toString(), expected: text };
        },
        { name, engine },
      );
      expect(result.text).toBe(result.expected);
      // 900 updates were stored; merging kept far fewer, and never let them grow unbounded.
      expect(Math.max(...result.counts)).toBeLessThan(400);
      expect(result.counts.some((c, i) => i > 0 && c < (result.counts[i - 1] ?? 0))).toBe(true);
    });

    test('clearData() deletes its document only; destroying the Y.Doc destroys its provider', async ({
      page,
    }) => {
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larder, larderYjs, yjsKit } = window;
          const store = await larder.openStore(name, { engine });
          const a = new Y.Doc();
          const pa = new larderYjs.LarderPersistence('a', a, { store });
          const b = new Y.Doc();
          const pb = new larderYjs.LarderPersistence('b', b, { store });
          await Promise.all([pa.whenSynced, pb.whenSynced]);
          yjsKit.type(a, 'aaa');
          yjsKit.type(b, 'bbb');
          await pa.set('meta', 1);
          await pb.set('meta', 2);
          await pa.clearData();
          b.destroy();
          const afterDocDestroy = await pb.whenStored().then(
            () => 'resolved',
            (e: unknown) => (larder.isStoreError(e) ? e.code : String(e)),
          );
          const keys = (await yjsKit.snapshot(store)).map((line) => JSON.parse(line.split('=')[0] ?? '')[0]);
          const reloaded = new Y.Doc();
          const pr = new larderYjs.LarderPersistence('b', reloaded, { store });
          await pr.whenSynced;
          const meta = await pr.get('meta');
          await pr.destroy();
          await store.close();
          return { docs: [...new Set(keys)], afterDocDestroy, text: reloaded.getText('t').toString(), meta };
        },
        { name, engine },
      );
      expect(result.docs).toEqual(['b']);
      expect(result.afterDocDestroy).toBe('closed');
      expect(result.text).toBe('bbb');
      expect(result.meta).toBe(2);
    });

    test('two tabs with one document open converge through storage alone', async ({ page }) => {
      const second = await page.context().newPage();
      await openYjsHarness(second);
      const open = (p: Page) =>
        p.evaluate(
          async ({ name, engine }) => {
            const { Y, larder, larderYjs } = window;
            const store = await larder.openStore(name, { engine });
            const doc = new Y.Doc();
            const provider = new larderYjs.LarderPersistence('shared', doc, { store });
            await provider.whenSynced;
            Object.assign(window, { tab: { store, doc, provider } });
          },
          { name, engine },
        );
      await open(page);
      await open(second);
      const typeIn = (p: Page, text: string) =>
        p.evaluate(async (text) => {
          const { doc } = (window as unknown as { tab: { doc: import('yjs').Doc } }).tab;
          window.yjsKit.type(doc, text);
          doc.getMap('m').set(text, text.length);
        }, text);
      await Promise.all([typeIn(page, 'left '), typeIn(second, 'right ')]);
      await typeIn(page, 'and more');
      const read = (p: Page) =>
        p.evaluate(() => {
          const { doc } = (window as unknown as { tab: { doc: import('yjs').Doc } }).tab;
          return { text: doc.getText('t').toString(), map: doc.getMap('m').toJSON() };
        });
      await expect.poll(async () => (await read(second)).text.length, { timeout: 20_000 }).toBe(19);
      await expect.poll(async () => (await read(page)).text.length, { timeout: 20_000 }).toBe(19);
      const [left, right] = [await read(page), await read(second)];
      expect(left).toEqual(right);
      expect(left.map).toEqual({ 'left ': 5, 'right ': 6, 'and more': 8 });
      expect(left.text).toContain('and more');
      for (const p of [page, second]) {
        await p.evaluate(async () => {
          const { store, provider } = (
            window as unknown as {
              tab: { store: { close(): Promise<void> }; provider: { destroy(): Promise<void> } };
            }
          ).tab;
          await provider.destroy();
          await store.close();
        });
      }
      await second.close();
    });

    test('merging while another tab keeps writing loses no update', async ({ page }) => {
      test.setTimeout(120_000);
      const second = await page.context().newPage();
      await openYjsHarness(second);
      // Both tabs write 300 updates each, interleaved with the other's commits, and both merge
      // past 1 KiB: every merge reads, deletes and rewrites keys while the other tab adds new ones.
      const write = (p: Page, who: string) =>
        p.evaluate(
          async ({ name, engine, who }) => {
            const { Y, larder, larderYjs } = window;
            const store = await larder.openStore(name, { engine });
            const doc = new Y.Doc();
            const provider = new larderYjs.LarderPersistence('doc', doc, {
              store,
              compactBytes: 1024,
              storeDelayMs: 5,
            });
            await provider.whenSynced;
            const items = doc.getArray<string>('items');
            for (let i = 0; i < 300; i++) {
              items.push([`${who}${i}`]);
              // Each update its own entry (see typeOneByOne), and now and then a longer pause.
              await store.stats();
              await new Promise((r) => setTimeout(r, i % 10 === 9 ? 5 : 0));
            }
            await provider.whenStored();
            await provider.destroy();
            await store.close();
          },
          { name, engine, who },
        );
      await Promise.all([write(page, 'a'), write(second, 'b')]);
      await second.close();
      const result = await page.evaluate(
        async ({ name, engine }) => {
          const { Y, larder, larderYjs, yjsKit } = window;
          const store = await larder.openStore(name, { engine });
          const doc = new Y.Doc();
          const provider = new larderYjs.LarderPersistence('doc', doc, { store });
          await provider.whenSynced;
          const stored = await yjsKit.storedUpdates(store, 'doc');
          await provider.destroy();
          await store.close();
          return { items: doc.getArray<string>('items').toArray(), stored };
        },
        { name, engine },
      );
      const expected = [
        ...Array.from({ length: 300 }, (_, i) => `a${i}`),
        ...Array.from({ length: 300 }, (_, i) => `b${i}`),
      ];
      expect([...result.items].sort()).toEqual(expected.sort());
      // Merges happened: 600 updates were written, far fewer remain.
      expect(result.stored.count).toBeLessThan(300);
    });
  });
}

test('a compaction commits its merged update and its deletes in one transaction (inline engine)', async ({
  page,
}) => {
  await openYjsHarness(page);
  const name = uniqueName('yjs-one-tx');
  const result = await page.evaluate(async (name) => {
    const { Y, larder, larderYjs, yjsKit } = window;
    const store = await larder.openStore(name, { engine: 'inline' });
    const writes = yjsKit.recordWrites();
    const doc = new Y.Doc();
    const p = new larderYjs.LarderPersistence('doc', doc, { store, compactBytes: 4096 });
    await p.whenSynced;
    // Committed first, one by one, so that the merge must delete committed keys.
    for (let i = 0; i < 60; i++) {
      yjsKit.type(doc, 'x');
      await store.flush();
    }
    doc.getText('t').insert(0, 'one update that crosses the threshold on its own. '.repeat(90));
    await p.whenStored();
    const left = await store.keySpace('yjs').getRange(['doc', 'u']);
    await p.destroy();
    await store.close();
    return { writes, left: left.map((e) => JSON.stringify(['yjs', ...e.key])) };
  }, name);
  await deleteStoreIn(page, name);
  expect(result.left).toHaveLength(1);
  const merged = result.left[0] as string;
  const mergedTx = result.writes.find((w) => w.op === 'put' && w.key === merged)?.tx;
  expect(mergedTx).toBeDefined();
  const isUpdate = (key: string) => key.startsWith(JSON.stringify(['yjs', 'doc', 'u']).slice(0, -1));
  const committedBefore = new Set(
    result.writes
      .filter((w) => w.op === 'put' && w.tx < (mergedTx as number) && isUpdate(w.key))
      .map((w) => w.key),
  );
  const deletedWithMerge = new Set(
    result.writes.filter((w) => w.op === 'delete' && w.tx === mergedTx).map((w) => w.key),
  );
  expect(committedBefore.size).toBeGreaterThanOrEqual(60);
  expect([...committedBefore].filter((k) => !deletedWithMerge.has(k))).toEqual([]);
  expect(result.writes.filter((w) => w.op === 'delete' && w.tx !== mergedTx && isUpdate(w.key))).toEqual([]);
});

test('the core entry does not load yjs; larder/yjs does', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto('/e2e/harness.html');
  await page.waitForFunction(() => typeof window.larder !== 'undefined');
  expect(requested.filter((u) => /yjs/i.test(u))).toEqual([]);
  await openYjsHarness(page);
  expect(requested.some((u) => /\/yjs\.js|deps\/yjs/.test(u))).toBe(true);
});

test('providers opened by store name share one store, closed by the last one destroyed', async ({ page }) => {
  await openYjsHarness(page);
  const name = uniqueName('yjs-by-name');
  const result = await page.evaluate(async (name) => {
    const { Y, larder, larderYjs } = window;
    const a = new Y.Doc();
    const b = new Y.Doc();
    const pa = new larderYjs.LarderPersistence('a', a, { name, options: { engine: 'worker' } });
    const pb = new larderYjs.LarderPersistence('b', b, { name });
    await Promise.all([pa.whenSynced, pb.whenSynced]);
    a.getText('t').insert(0, 'from a');
    b.getText('t').insert(0, 'from b');
    await Promise.all([pa.whenStored(), pb.whenStored()]);
    await pa.destroy();
    // b still writes through the shared store after a let go of it.
    b.getText('t').insert(6, '!');
    await pb.whenStored();
    await pb.destroy();
    // Both released: the store is closed, so deleting the database is not blocked.
    const store = await larder.openStore(name, { engine: 'inline' });
    const texts: string[] = [];
    for (const doc of ['a', 'b']) {
      const d = new Y.Doc();
      const p = new larderYjs.LarderPersistence(doc, d, { store });
      await p.whenSynced;
      texts.push(d.getText('t').toString());
      await p.destroy();
    }
    await store.close();
    await larder.deleteStore(name);
    return texts;
  }, name);
  expect(result).toEqual(['from a', 'from b!']);
});

test('bad arguments reject with invalid-argument and write nothing', async ({ page }) => {
  await openYjsHarness(page);
  const name = uniqueName('yjs-bad-args');
  const codes = await page.evaluate(async (name) => {
    const { Y, larder, larderYjs, yjsKit } = window;
    const store = await larder.openStore(name, { engine: 'inline' });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (larder.isStoreError(e) ? e.code : String(e)),
      );
    const bad: Array<[unknown, unknown, unknown]> = [
      ['doc', new Y.Doc(), { store, compactBytes: -1 }],
      ['doc', new Y.Doc(), { store, storeDelayMs: NaN }],
      ['doc', new Y.Doc(), { store: {} }],
      ['doc', new Y.Doc(), { store, keySpace: 7 }],
      ['doc', { not: 'a Y.Doc' }, { store }],
      [42, new Y.Doc(), { store }],
    ];
    const out: string[] = [];
    for (const [doc, ydoc, options] of bad) {
      const P = larderYjs.LarderPersistence as unknown as new (
        ...args: unknown[]
      ) => InstanceType<typeof larderYjs.LarderPersistence>;
      const p = new P(doc, ydoc, options);
      out.push(await code(p.whenSynced));
      out.push(await code(p.set('k', 1)));
      if (ydoc instanceof Y.Doc) ydoc.getText('t').insert(0, 'not stored');
      out.push(await code(p.whenStored()));
      await p.destroy();
    }
    out.push(await code(larderYjs.clearDocument(5 as unknown as string, { store })));
    const left = await yjsKit.snapshot(store);
    await store.close();
    await larder.deleteStore(name);
    return { out, left };
  }, name);
  expect(codes.out).toEqual(Array(19).fill('invalid-argument'));
  expect(codes.left).toEqual([]);
});
