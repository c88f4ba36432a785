import { expect, test } from '@playwright/test';
import type { Store } from '../src/index.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';
import { installOpFixtures } from './support/op-fixtures.js';

// Export and import of a whole store: every contract round-trips, and a backup that is
// truncated, damaged, foreign, of a newer format, inconsistent or of another store is refused
// before anything is written.

const PEER = '6f2b4a9e-1c3d-4e5f-8a7b-9c0d1e2f3a4b';

declare global {
  interface Window {
    /** Fills a store with data in every contract. */
    fillStore(store: Store, peer: string): Promise<void>;
    /** Reads back everything fillStore wrote, as plain data to compare. */
    readStore(store: Store): Promise<unknown>;
    /** The backup of a store, as text. */
    backupText(store: Store): Promise<string>;
    /** Recomputes the end line of an edited backup, as a forger would. */
    reseal(text: string): string;
  }
}

/** Installs the page helpers; runs in the page, so it uses nothing outside its body. */
function installBackupHelpers(): void {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  window.fillStore = async (store, peer) => {
    const doc = store.persister('doc');
    await doc.insertChanges([
      ['actor', 1, new Uint8Array([1, 2, 3])],
      ['actor', 2, new Uint8Array([4])],
    ]);
    await doc.setDocument(new Uint8Array([9, 9]));
    await doc.setSyncState(new Uint8Array([0xaa, 0]), new Uint8Array([5]));
    await store.keySpace('ks').put(['a', 'b'], new Uint8Array([7, 7, 7]));
    await store.flush();
    const c = store.consensus();
    await c.compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) });
    await c.compareAndSet('k', 1n, { seqno: 5n, data: new Uint8Array([5]) });
    await (await store.logState().writeOps('witness')).set(new Uint8Array([3, 3]));
    const log = await store.logTracker('log');
    const batch = store
      .batch()
      .put('t', 'when', new Date(0))
      .put('t', 1, new Map<unknown, unknown>([['big', 2n ** 70n]]))
      .put('t', [1, 'x'], { nested: [new Set([1]), -0, NaN, undefined, { $: 'looks like a tag' }] });
    log.trackOne(peer, 0n, 7n, undefined, { op: 'first' }, batch);
    log.trackExpunged(peer, 1n, new Uint8Array(32).fill(1), batch);
    await batch.commit();
    const fx = window.opFx;
    const ops = store.opStore('dht');
    await ops.processIncomingOps([fx.op(fx.idAt(7, 1), 1000, 4), fx.op(fx.idAt(9, 2), 2000)]);
    await ops.storeSliceHash([0, 100], 0, new Uint8Array([8]));
  };
  window.readStore = async (store) => {
    const doc = store.persister('doc');
    const c = store.consensus();
    const log = await store.logTracker('log');
    const ops = store.opStore('dht');
    const [ids] = await ops.retrieveOpHashesInTimeSlice([0, 2 ** 32 - 1], 0, 10_000);
    return {
      changes: (await doc.getChanges()).map((x) => hex(x)).sort(),
      document: hex((await doc.getDocument()) ?? new Uint8Array()),
      sync: hex((await doc.getSyncState(new Uint8Array([0xaa, 0]))) ?? new Uint8Array()),
      ks: (await store.keySpace('ks').getRange([])).map((e) => [e.key, hex(e.data)]),
      consensus: (await c.scan('k', 0n, 10)).map((v) => [String(v.seqno), hex(v.data)]),
      keys: await c.listKeys(),
      checkpoint: hex(await (await store.logState().readOps('witness')).getLatest()),
      cursors: [...(await log.allCursors())].map(([p, n]) => [p, String(n)]),
      entries: (await log.readEntries(PEER_IN_PAGE, 0n, 10)).map(([i, e]) => [
        String(i),
        e.kind === 'entry' ? JSON.stringify(e.op) : hex(e.hash),
      ]),
      table: (await store.table('t').getAll()).map(([k, v]) => {
        const m = v instanceof Map ? [...v].map(([a, b]) => [a, String(b)]) : v;
        if (v instanceof Date) return [k, `date ${v.getTime()}`];
        if (typeof v === 'object' && v !== null && 'nested' in v) {
          const [set, zero, nan, undef, tag] = (v as { nested: unknown[] }).nested;
          return [
            k,
            [[...(set as Set<number>)], Object.is(zero, -0), Number.isNaN(nan), undef === undefined, tag],
          ];
        }
        return [k, m];
      }),
      ops: (await ops.retrieveOps(ids)).map((o) => hex(o.opData)).sort(),
      slice: hex((await ops.retrieveSliceHash([0, 100], 0)) ?? new Uint8Array()),
    };
  };
  const PEER_IN_PAGE = '6f2b4a9e-1c3d-4e5f-8a7b-9c0d1e2f3a4b';
  window.backupText = async (store) => new Response(await store.exportBackup()).text();
  window.reseal = (text) => {
    const lines = text.trimEnd().split('\n');
    lines.pop();
    const body = `${lines.join('\n')}\n`;
    const bytes = new TextEncoder().encode(body);
    let crc = 0xffffffff;
    for (const b of bytes) {
      crc ^= b;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
    }
    const value = ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
    return `${body}${JSON.stringify({ end: 'larder-backup', records: lines.length - 1, crc32: value })}\n`;
  };
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(installOpFixtures);
  await page.addInitScript(installBackupHelpers);
  await openHarness(page);
});

for (const engine of ENGINES) {
  test(`every contract round-trips, and an import replaces what was there (${engine})`, async ({
    page,
    context,
  }) => {
    const name = uniqueName('backup-trip');
    const listener = await context.newPage();
    await openHarness(listener);
    await listener.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const heard: string[] = [];
        store.subscribe((c) => heard.push(...c.documents.keys()));
        (window as unknown as { heard: string[] }).heard = heard;
      },
      { name, engine },
    );
    const out = await page.evaluate(
      async ({ name, engine, peer }) => {
        const open = () => window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const store = await open();
        await window.fillStore(store, peer);
        const before = await window.readStore(store);
        const text = await window.backupText(store);
        // Change things after the backup: the import must bring back the backed-up state.
        await store.persister('doc').setDocument(new Uint8Array([1]));
        await store.persister('later').insertChanges([['z', 1, new Uint8Array([1])]]);
        await store.consensus().compareAndSet('other', undefined, { seqno: 1n, data: new Uint8Array([1]) });
        await store.flush();
        const result = await store.importBackup(new Blob([text]));
        const after = await window.readStore(store);
        const later = await store.persister('later').getChanges();
        const health = await store.health({ docId: 'doc' });
        await store.close();
        // And from a stream, into the same store reopened.
        const again = await open();
        await again.importBackup(new Response(text).body!);
        const reopened = await window.readStore(again);
        await again.close();
        return {
          before,
          after,
          reopened,
          later: later.length,
          records: result.records,
          from: result.from.store,
          health: health.document,
          lines: text.trimEnd().split('\n').length,
        };
      },
      { name, engine, peer: PEER },
    );
    const heard = await listener.evaluate(async () => {
      const heard = (window as unknown as { heard: string[] }).heard;
      for (let i = 0; i < 100 && !heard.includes('later'); i++) await new Promise((r) => setTimeout(r, 50));
      return heard;
    });
    await page.evaluate((name) => window.larder.deleteStore(name), name);
    await listener.close();

    expect(out.after).toEqual(out.before);
    expect(out.reopened).toEqual(out.before);
    expect(out.later).toBe(0);
    expect(out.records).toBe(out.lines - 2);
    expect(out.from).toBe(name);
    expect(out.health).toEqual({ changes: 4, document: 2, syncStates: 1, total: 7 });
    // The import is announced: the document it replaced, and the one it removed.
    expect(heard).toEqual(expect.arrayContaining(['doc', 'later']));
    expect(out.before).toMatchObject({
      consensus: [
        ['1', '01'],
        ['5', '05'],
      ],
      table: [
        [1, [['big', String(2n ** 70n)]]],
        ['when', 'date 0'],
        [
          [1, 'x'],
          [[1], true, true, true, { $: 'looks like a tag' }],
        ],
      ],
    });
  });

  test(`a bad backup is refused before anything is written (${engine})`, async ({ page }) => {
    const name = uniqueName('backup-bad');
    const out = await page.evaluate(
      async ({ name, engine, peer }) => {
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        await window.fillStore(store, peer);
        const good = await window.backupText(store);
        // The store the bad backups are imported into: different data, which must survive.
        await store.persister('doc').setDocument(new Uint8Array([42]));
        await store.persister('mine').insertChanges([['m', 1, new Uint8Array([4, 2])]]);
        await store.flush();
        const before = await window.readStore(store);
        const lines = good.trimEnd().split('\n');
        const header = JSON.parse(lines[0]!) as {
          version: number;
          store: string;
          counts: Record<string, number>;
        };
        const docLine = lines.findIndex((l) => l.startsWith('["documents"'));
        const withLine = (i: number, line: string) =>
          [...lines.slice(0, i), line, ...lines.slice(i + 1)].join('\n');
        // A record whose own checksum (integrity.spec.ts) no longer matches, in a resealed file.
        const badCrc = (store: string) => {
          const i = lines.findIndex((l) => l.startsWith(`["${store}"`));
          const line = JSON.parse(lines[i]!) as unknown[];
          (line[line.length - 1] as { crc: number }).crc += 1;
          return window.reseal(withLine(i, JSON.stringify(line)));
        };
        const damagedByte = good.replace('"larder-backup","version"', '"larder-backup","versiom"');
        const flipped =
          good.slice(0, good.length / 2) +
          (good[good.length / 2] === 'A' ? 'B' : 'A') +
          good.slice(good.length / 2 + 1);
        const cases: Record<string, unknown> = {
          truncatedHalf: good.slice(0, good.length / 2),
          truncatedBeforeEnd: lines.slice(0, -1).join('\n') + '\n',
          empty: '',
          flippedByte: flipped,
          damagedHeader: damagedByte,
          notText: new Uint8Array([0xff, 0xfe, 0x00, 0x81]),
          png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
          otherJson: JSON.stringify({ format: 'larder-demo-backup', version: 1, docId: 'board' }),
          newerVersion: window.reseal(withLine(0, JSON.stringify({ ...header, version: 2 }))),
          countMismatch: window.reseal(
            withLine(0, JSON.stringify({ ...header, counts: { ...header.counts, documents: 5 } })),
          ),
          wrongValueType: window.reseal(withLine(docLine, '["documents","doc","not bytes"]')),
          corruptDocument: badCrc('documents'),
          corruptSyncState: badCrc('syncStates'),
          corruptKeyValue: badCrc('keyValues'),
          unknownKind: window.reseal(withLine(docLine, '["passwords","doc",{"$":"Uint8Array","b":"AA=="}]')),
          otherStore: window.reseal(withLine(0, JSON.stringify({ ...header, store: 'someone-else' }))),
          notASource: 42,
        };
        const outcomes: Record<string, string> = {};
        for (const [label, source] of Object.entries(cases)) {
          outcomes[label] = await store.importBackup(source as string).then(
            () => 'imported',
            (e: unknown) => (window.larder.isStoreError(e) ? `${e.code}: ${e.message}` : String(e)),
          );
        }
        const after = await window.readStore(store);
        const mine = (await store.persister('mine').getChanges()).length;
        // The same backup of another store, accepted on purpose.
        const accepted = await store
          .importBackup(cases['otherStore'] as string, { acceptOtherStore: true })
          .then((r) => r.from.store);
        await store.close();
        await window.larder.deleteStore(name);
        return { outcomes, same: JSON.stringify(after) === JSON.stringify(before), mine, accepted };
      },
      { name, engine, peer: PEER },
    );
    const o = out.outcomes;
    for (const [label, outcome] of Object.entries(o)) {
      expect(outcome, label).toMatch(/^invalid-argument: /);
    }
    expect(o['truncatedHalf']).toContain('truncated');
    expect(o['truncatedBeforeEnd']).toContain('truncated');
    expect(o['flippedByte']).toMatch(/damaged|checksum/);
    expect(o['damagedHeader']).toContain('damaged');
    expect(o['notText']).toContain('not a larder backup');
    expect(o['png']).toContain('not a larder backup');
    expect(o['empty']).toContain('not a larder backup');
    expect(o['otherJson']).toContain('not a larder backup');
    expect(o['newerVersion']).toContain('format version 2');
    expect(o['countMismatch']).toContain('does not match itself');
    expect(o['wrongValueType']).toContain('documents record');
    expect(o['corruptDocument']).toContain('a document whose checksum does not match');
    expect(o['corruptSyncState']).toContain('a sync state whose checksum does not match');
    expect(o['corruptKeyValue']).toContain('a value whose checksum does not match');
    expect(o['unknownKind']).toContain('unknown kind "passwords"');
    expect(o['otherStore']).toContain('"someone-else"');
    expect(o['notASource']).toContain('source must be');
    expect(out.same).toBe(true);
    expect(out.mine).toBe(1);
    expect(out.accepted).toBe('someone-else');
  });

  test(`a value a backup cannot hold is refused at export (${engine})`, async ({ page }) => {
    const name = uniqueName('backup-blob');
    const outcome = await page.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        await store
          .batch()
          .put('files', 'f', new Blob(['x']))
          .commit();
        const describe = (e: unknown) =>
          window.larder.isStoreError(e) ? `${e.code}: ${e.message}` : String(e);
        let result = 'exported';
        try {
          const reader = (await store.exportBackup()).getReader();
          while (!(await reader.read()).done);
        } catch (e) {
          result = describe(e);
        }
        await store.close();
        await window.larder.deleteStore(name);
        return result;
      },
      { name, engine },
    );
    expect(outcome).toMatch(/^invalid-argument: .*tables.*Blob/);
  });
}
