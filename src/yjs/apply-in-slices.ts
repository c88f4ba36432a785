import * as Y from 'yjs';

/** How long one slice may apply updates: far below a 50 ms long task, and a frame's budget. */
const SLICE_MS = 8;

/**
 * Resolves in a new task, queued behind the page's own tasks, so the main thread can paint,
 * handle input and run its timers in between.
 *
 * Not `scheduler.yield()`: its continuation runs ahead of the page's other tasks, so a 4 ms
 * timer waited out several slices in a row (bench, 10,000 rows: worst gaps 32–59 ms over five
 * runs, against 31–36 ms with this message; the load took 146 ms against 161 ms). Not
 * `setTimeout`: nested timeouts are clamped to 4 ms each.
 */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * Applies `updates` to `doc` with `origin`, in transactions of at most {@link SLICE_MS} each
 * with a new task in between, so that loading 10,000 stored updates never blocks the main
 * thread for long. y-indexeddb applies everything in one transaction, which took 31 ms and more;
 * a load that fits one slice is one transaction here too.
 *
 * @param doc - the document.
 * @param updates - the updates, in the order to apply them.
 * @param origin - the transactions' origin (the provider: it does not store them again).
 * @param stop - checked between slices: true abandons the rest (the provider was destroyed).
 * @returns whether every update was applied.
 */
export async function applyInSlices(
  doc: Y.Doc,
  updates: readonly Uint8Array[],
  origin: unknown,
  stop: () => boolean,
): Promise<boolean> {
  let i = 0;
  while (i < updates.length) {
    if (i > 0) {
      await nextTask();
      if (stop()) return false;
    }
    const start = performance.now();
    Y.transact(
      doc,
      () => {
        do Y.applyUpdate(doc, updates[i++] as Uint8Array);
        while (i < updates.length && performance.now() - start < SLICE_MS);
      },
      origin,
      false,
    );
  }
  return true;
}
