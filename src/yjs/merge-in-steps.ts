import * as Y from 'yjs';

/** Updates merged per step: small enough that a step stays far below a 50 ms long task. */
const STEP = 256;

/** Resolves in a new task, so the main thread can paint and handle input in between. */
function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    // Not setTimeout: nested timeouts are clamped to 4 ms each.
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * Merges many Yjs updates into one, `STEP` at a time with a new task between steps, so that
 * loading a document of 10,000 stored updates never blocks the main thread for long and applies
 * as one transaction (as y-indexeddb's load is), at the cost of one pass of `Y.mergeUpdates`.
 *
 * @param updates - the updates, in the order to merge them.
 * @returns the merged update, or the only one; undefined for none.
 */
export async function mergeInSteps(updates: Uint8Array[]): Promise<Uint8Array | undefined> {
  let level = updates;
  while (level.length > STEP) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += STEP) {
      next.push(Y.mergeUpdates(level.slice(i, i + STEP)));
      await nextTask();
    }
    level = next;
  }
  return level.length <= 1 ? level[0] : Y.mergeUpdates(level);
}
