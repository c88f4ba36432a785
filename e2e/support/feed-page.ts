import type { Store } from '../../src/index.js';

/** A {@link StoreChange} as plain data, so it crosses from the page to the test. */
export interface PlainChange {
  local: boolean;
  documents: Array<[string, { changes: boolean; document: boolean; syncStates: boolean }]>;
  consensus: Array<[string, string]>;
  logStates: string[];
  logs: string[];
  tables: string[];
  opSpaces: string[];
  keySpaces: Array<[string, string[][]]>;
}

declare global {
  interface Window {
    /** Stores opened by the test, by a name of its choosing. */
    stores: Record<string, Store>;
    /** Notices recorded by {@link Window.recordFeed}, by recorder name. */
    feeds: Record<string, PlainChange[]>;
    /** Subscribes to `store`'s feed, recording every notice under `name`; returns the unsubscribe. */
    recordFeed(store: Store, name: string): () => void;
    /** Resolves once the recorder `name` holds a notice for which `has` is true. */
    awaitFeed(name: string, has: (c: PlainChange) => boolean): Promise<void>;
  }
}

/** Puts the recorders on `window`. Runs in the page, so it uses nothing outside its body. */
export function installFeedRecorder(): void {
  window.stores = {};
  window.feeds = {};
  const waiters: Array<() => void> = [];
  window.recordFeed = (store, name) => {
    const log: PlainChange[] = (window.feeds[name] = []);
    return store.subscribe((c) => {
      log.push({
        local: c.local,
        documents: [...c.documents],
        consensus: [...c.consensus].map(([k, s]) => [k, s.toString()]),
        logStates: [...c.logStates],
        logs: [...c.logs],
        tables: [...c.tables],
        opSpaces: [...c.opSpaces],
        keySpaces: [...c.keySpaces].map(([k, p]) => [k, p.map((x) => [...x])]),
      });
      for (const w of waiters.splice(0)) w();
    });
  };
  window.awaitFeed = (name, has) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if ((window.feeds[name] ?? []).some(has)) resolve();
        else waiters.push(check);
      };
      check();
    });
}
