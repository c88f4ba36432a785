import type { Persister, StoredSizes } from '../contracts/persister.js';

/**
 * Plain-data views of what a Persister holds, for the Persister and store suites: everything
 * read through the public methods and made comparable with `checkEqual` regardless of order.
 */

/** Write-behind that never fires by itself within a test: only flush() and close() commit. */
export const HOLD = { maxDelayMs: 60_000, maxBytes: 64 * 1024 * 1024 } as const;

/** Returns a fresh `Uint8Array` of `values`. */
export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** Returns plain arrays of the values, sorted bytewise, for an order-independent comparison. */
export function sorted(values: readonly Uint8Array[]): number[][] {
  return sortLists(values.map((v) => Array.from(v)));
}

/** Returns the lists sorted bytewise (a shorter prefix first), as {@link sorted} sorts them. */
export function sortLists(lists: readonly number[][]): number[][] {
  return [...lists].sort(compareLists);
}

/** Compares byte lists bytewise; a list sorts before its extensions. */
export function compareLists(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Returns a plain array of the value, or `null` for `undefined`. */
export function plain(value: Uint8Array | undefined): number[] | null {
  return value === undefined ? null : Array.from(value);
}

/** Everything one persister holds, as plain data that compares regardless of order. */
export interface PersisterSnapshot {
  /** `getChanges()`, sorted. */
  changes: number[][];
  /** `getDocument()`, or `null` when there is none. */
  document: number[] | null;
  /** `getPeerIds()`, sorted. */
  peers: number[][];
  /** `[peerId, getSyncState(peerId)]` for every peer of `getPeerIds`, sorted by peer. */
  states: Array<[number[], number[] | null]>;
  /** `sizes()`. */
  sizes: StoredSizes;
}

/**
 * Reads everything `p` holds through its public methods.
 *
 * @returns the {@link PersisterSnapshot} of `p`.
 */
export async function persisterSnapshot(p: Persister): Promise<PersisterSnapshot> {
  const [changes, document, peers, sizes] = await Promise.all([
    p.getChanges(),
    p.getDocument(),
    p.getPeerIds(),
    p.sizes(),
  ]);
  const states = await Promise.all(
    peers.map(async (peer): Promise<[number[], number[] | null]> => [
      Array.from(peer),
      plain(await p.getSyncState(peer)),
    ]),
  );
  states.sort((a, b) => compareLists(a[0], b[0]));
  return { changes: sorted(changes), document: plain(document), peers: sorted(peers), states, sizes };
}

/** What a persister holds, in plain lists: see {@link expectedSnapshot}. */
export interface Holding {
  changes?: number[][];
  document?: number[];
  states?: Array<[peer: number[], state: number[]]>;
}

/**
 * Returns the {@link PersisterSnapshot} of a persister that holds exactly `h`, its sizes summed
 * from it: what {@link persisterSnapshot} must read.
 */
export function expectedSnapshot(h: Holding): PersisterSnapshot {
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

/** The snapshot of a persister that holds nothing. */
export const EMPTY: PersisterSnapshot = expectedSnapshot({});
