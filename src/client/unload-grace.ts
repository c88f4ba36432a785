/** A store as the unload guard sees it. */
export interface UnloadingStore {
  /** Starts a flush; must not wait for it. */
  flush(): void;
  /** Whether the store has acknowledged writes that no commit has covered yet. */
  unsaved(): boolean;
}

/** How long an unloading page waits for its workers to commit unsaved writes. */
export const UNLOAD_GRACE_MS = 100;

const stores = new Set<UnloadingStore>();
let installed = false;

/**
 * Flushes every open store of this page on `pagehide` and `freeze`, then, once for the whole
 * page and only when some store has unsaved writes, holds the page {@link UNLOAD_GRACE_MS}.
 *
 * @remarks
 * Chromium terminates a dedicated worker with its document, so a flush message still queued
 * then is lost, and an inline transaction that has asked to commit can still be aborted if the
 * document goes first. Measured with a write followed at once by `page.close()` (worker engine,
 * 1 s write-behind): 4 of 30 writes lost with no grace, 1 of 60 with 10 ms, 0 of 60 with 20 ms;
 * 25 ms still lost one write under a load average of 10, and 50 ms lost one of 8 in a CI run,
 * so this is a margin, not a proof. A page entering the back/forward cache (`persisted`) is
 * not going away: it flushes and does not wait. "Unsaved" comes from the engines' commit
 * reports, so writes that a background commit already covered cost no wait.
 *
 * @param store - the store to flush.
 * @returns a function that unregisters it.
 */
export function guardUnload(store: UnloadingStore): () => void {
  const win = globalThis as { addEventListener?: (type: string, fn: (e: Event) => void) => void };
  const doc = (globalThis as { document?: { addEventListener(t: string, fn: () => void): void } }).document;
  if (!installed && doc !== undefined && win.addEventListener !== undefined) {
    installed = true;
    win.addEventListener('pagehide', (e) =>
      onUnload((e as Event & { persisted?: boolean }).persisted === true),
    );
    doc.addEventListener('freeze', () => onUnload(false));
  }
  stores.add(store);
  return () => void stores.delete(store);
}

function onUnload(persisted: boolean): void {
  let unsaved = false;
  for (const store of stores) {
    store.flush();
    unsaved ||= store.unsaved();
  }
  if (persisted || !unsaved) return;
  const until = performance.now() + UNLOAD_GRACE_MS;
  while (performance.now() < until) {
    // Busy-wait: nothing else keeps an unloading document, and so its workers, alive.
  }
}
