import { expect, test, type Page } from '@playwright/test';
import { openHarness, uniqueName } from './support/harness.js';

// The worker engine's promise: IndexedDB and encoding work stay off the main thread. Long
// tasks are what a user feels as jank; the browser reports every task over 50 ms.

/** Writes 10,000 changes in batches of 100 through the worker engine; the long tasks seen. */
async function writeAndWatch(page: Page) {
  return page.evaluate(async (name) => {
    const store = await window.larder.openStore(name);
    const p = store.persister('doc');
    // Warm up first, so module evaluation and the worker's start-up are not counted.
    await p.insertChanges([['warm', 0, new Uint8Array(200)]]);
    await store.flush();
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    observer.observe({ type: 'longtask' });
    const change = new Uint8Array(200).fill(7);
    let written = 0;
    for (let batch = 0; batch < 100; batch++) {
      const changes: Array<[string, number, Uint8Array]> = [];
      for (let i = 0; i < 100; i++) changes.push(['actor', batch * 100 + i, change]);
      await p.insertChanges(changes);
      written += changes.length;
    }
    await store.flush();
    const read = (await p.getChanges()).length;
    // Let the observer deliver entries of the last tasks.
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    await store.close();
    await window.larder.deleteStore(name);
    return { written, read, longTasks };
  }, uniqueName('longtask'));
}

test('writing 10,000 changes through the worker engine causes no long task', async ({ page }) => {
  await openHarness(page);
  let result = await writeAndWatch(page);
  expect(result.written).toBe(10_000);
  expect(result.read).toBe(10_001);
  if (result.longTasks.length > 0) {
    // Work the writes put on the main thread would make a long task in every run. One run's
    // alone is the host: a rehearsal of `.ci/run` (two test workers on two cores) once saw a
    // single 93 ms task here, which 14 runs afterwards, 8 of them beside two busy loops, never
    // showed again. So a second run decides, and the first one's tasks are reported.
    test.info().annotations.push({
      type: 'first run',
      description: `long tasks of ${result.longTasks.map(Math.round).join(', ')} ms; ran again`,
    });
    result = await writeAndWatch(page);
  }
  expect(result.longTasks).toEqual([]);
});
