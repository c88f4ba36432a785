/** The storage id larder remembers for a store, outside IndexedDB. */
export interface StorageMarker {
  get(): string | undefined;
  set(id: string): void;
  clear(): void;
}

/**
 * The marker of the store `name` in `localStorage`, where there is one (not in workers).
 *
 * @remarks
 * It lets larder notice a database that vanished between sessions: Chromium evicts IndexedDB
 * under storage pressure without touching `localStorage`, and "clear site data" can be asked
 * for one kind of storage only. Where both go, nothing in the browser survives; an app that
 * must know keeps {@link Store.storageId} elsewhere and passes it as `expectStorageId`.
 */
export function storageMarker(name: string): StorageMarker {
  const key = `larder:storage-id:${name}`;
  const ls = localStorageOrUndefined();
  return {
    get: () => ls?.getItem(key) ?? undefined,
    set: (id) => {
      try {
        ls?.setItem(key, id);
      } catch {
        // A full or refused localStorage only costs the between-sessions check.
      }
    },
    clear: () => ls?.removeItem(key),
  };
}

/** The part of `localStorage` used here; typed here so the code also compiles for workers. */
interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function localStorageOrUndefined(): KeyValueStorage | undefined {
  try {
    return (globalThis as { localStorage?: KeyValueStorage }).localStorage;
  } catch {
    // Reading localStorage throws where storage is blocked (sandboxed frames, some settings).
    return undefined;
  }
}
