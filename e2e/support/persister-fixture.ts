import type { Page } from '@playwright/test';
import { openHarness } from './harness.js';
import type * as PersisterPage from './persister-page.js';

declare global {
  interface Window {
    /** The page-side helpers of the Persister suites. */
    pp: typeof PersisterPage;
  }
}

/** Opens the harness page and loads the page-side helpers as `window.pp`. */
export async function openPersisterPage(page: Page): Promise<void> {
  await openHarness(page);
  await page.evaluate(async () => {
    const url = '/e2e/support/persister-page.ts';
    window.pp = (await import(url)) as typeof window.pp;
  });
}

/** Compares byte lists lexicographically, the order the page-side `sorted` uses. */
export function compareLists(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** The lists, sorted as the page-side `sorted` sorts them. */
export function sortLists(lists: readonly number[][]): number[][] {
  return [...lists].sort(compareLists);
}

/** What a persister holding exactly this should read as: the page-side `snapshot`'s shape. */
export interface Holding {
  changes?: number[][];
  document?: number[];
  states?: Array<[peer: number[], state: number[]]>;
}

/** The page-side `Snapshot` of a persister that holds `h`, with sizes summed from it. */
export function expectedSnapshot(h: Holding): PersisterPage.Snapshot {
  const changes = h.changes ?? [];
  const states = [...(h.states ?? [])].sort((a, b) => compareLists(a[0], b[0]));
  return {
    changes: sortLists(changes),
    document: h.document ?? null,
    peers: states.map((s) => s[0]),
    states,
    sizes: {
      changes: changes.reduce((n, c) => n + c.length, 0),
      document: h.document?.length ?? 0,
      syncStates: states.reduce((n, s) => n + s[1].length, 0),
    },
  };
}
