import type { Store, StoreOptions } from '../contracts/store.js';
import { openStore } from '../open-store.js';

interface Shared {
  store: Promise<Store>;
  users: number;
}

/** Stores opened by name for providers, shared so that many documents use one engine. */
const shared = new Map<string, Shared>();

/**
 * Opens the store `name`, or shares the one already opened here by a provider. The first
 * caller's options win: a second engine for the same database would only compete with it.
 *
 * @param name - the store's name.
 * @param options - how to open it the first time.
 * @returns the store, and a function that releases it (closing it when nobody else uses it).
 */
export function acquireStore(
  name: string,
  options: StoreOptions | undefined,
): { store: Promise<Store>; release: () => Promise<void> } {
  let entry = shared.get(name);
  if (entry === undefined) {
    const store = openStore(name, options);
    const opened: Shared = { store, users: 0 };
    entry = opened;
    shared.set(name, entry);
    // A failed open must not stay cached: the next provider tries again.
    store.catch(() => {
      if (shared.get(name) === opened) shared.delete(name);
    });
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    store: held.store,
    async release() {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      if (shared.get(name) === held) shared.delete(name);
      const store = await held.store.catch(() => undefined);
      await store?.close();
    },
  };
}
