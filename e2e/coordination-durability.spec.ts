import { expect, test, type Page } from '@playwright/test';
import { ENGINES } from './support/harness.js';
import { launchRealBrowser, makeProfile, removeProfile } from './support/real-browser.js';

// A resolved 'committed' compareAndSet and a resolved LogStateWriteOps.set survive a SIGKILL
// of every browser process right after they resolved: the stores are never closed or flushed.

const VERSIONS = 20;
const BIG = 1024 * 1024 + 3;

/** Commits the data set into the store of each engine; resolves what every call resolved. */
async function writeDataSet(page: Page, name: string) {
  return page.evaluate(
    async ({ name, engines, versions, big }) => {
      const out: Record<string, { cas: string[]; sets: string[] }> = {};
      for (const engine of engines) {
        const store = await window.larder.openStore(`${name}-${engine}`, { engine });
        // Kept reachable, and never closed: the kill is what ends these stores.
        (window as unknown as Record<string, unknown>)[`store-${engine}`] = store;
        const c = store.consensus();
        const cas: string[] = [];
        let expected: bigint | undefined;
        for (let i = 1; i <= versions; i++) {
          const seqno = BigInt(i) * 1000n;
          cas.push(await c.compareAndSet('k', expected, { seqno, data: new Uint8Array([i, i + 1, i + 2]) }));
          expected = seqno;
        }
        const bigData = new Uint8Array(big).map((_, j) => (j * 7 + 1) & 0xff);
        cas.push(await c.compareAndSet('big', undefined, { seqno: 2n ** 63n - 1n, data: bigData }));
        const ls = store.logState();
        const sets: string[] = [];
        for (const id of ['witness', 'witness', 'other']) {
          const w = await ls.writeOps(id);
          const bytes = new TextEncoder().encode(`${id} checkpoint ${sets.length}`);
          sets.push(await w.set(bytes).then(() => 'ok'));
        }
        out[engine] = { cas, sets };
      }
      return out;
    },
    { name, engines: [...ENGINES], versions: VERSIONS, big: BIG },
  );
}

/** Reads the data set back from each engine's store, then deletes it. */
async function readDataSet(page: Page, name: string) {
  return page.evaluate(
    async ({ name, engines, big }) => {
      const out: Record<string, unknown> = {};
      for (const engine of engines) {
        const store = await window.larder.openStore(`${name}-${engine}`, { engine });
        const c = store.consensus();
        const versions = await c.scan('k', 0n, Number.MAX_SAFE_INTEGER);
        const head = await c.head('k');
        const bigHead = await c.head('big');
        let bigOk = bigHead?.data.byteLength === big;
        for (let j = 0; bigOk && bigHead !== undefined && j < big; j++) {
          bigOk = bigHead.data[j] === ((j * 7 + 1) & 0xff);
        }
        const ls = store.logState();
        const text = async (id: string) => new TextDecoder().decode(await (await ls.readOps(id)).getLatest());
        out[engine] = {
          keys: (await c.listKeys()).sort(),
          versions: versions.map((v) => [v.seqno, Array.from(v.data)]),
          head: head?.seqno,
          big: [bigHead?.seqno, bigOk],
          logs: (await ls.logs()).sort(),
          witness: await text('witness'),
          other: await text('other'),
        };
        await store.close();
        await window.larder.deleteStore(`${name}-${engine}`);
      }
      return out;
    },
    { name, engines: [...ENGINES], big: BIG },
  );
}

test.describe('consensus and log state across a SIGKILL of the browser', () => {
  let profile: string;
  test.beforeEach(() => {
    profile = makeProfile();
  });
  test.afterEach(() => removeProfile(profile));

  test('a committed compareAndSet and a committed checkpoint survive', async ({ baseURL }) => {
    const name = `durable-coordination-${Date.now()}`;
    const first = await launchRealBrowser(profile);
    const page = await first.openHarness(baseURL);
    const written = await writeDataSet(page, name);
    await first.kill();

    const second = await launchRealBrowser(profile);
    const again = await second.openHarness(baseURL);
    const read = await readDataSet(again, name);
    await second.close();

    for (const engine of ENGINES) {
      expect(written[engine]).toEqual({
        cas: Array.from({ length: VERSIONS + 1 }, () => 'committed'),
        sets: ['ok', 'ok', 'ok'],
      });
      expect(read[engine]).toEqual({
        keys: ['big', 'k'],
        versions: Array.from({ length: VERSIONS }, (_, k) => [BigInt(k + 1) * 1000n, [k + 1, k + 2, k + 3]]),
        head: BigInt(VERSIONS) * 1000n,
        big: [2n ** 63n - 1n, true],
        logs: ['other', 'witness'],
        witness: 'witness checkpoint 1',
        other: 'other checkpoint 2',
      });
    }
  });
});
