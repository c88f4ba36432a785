import type { DhtArc } from '../contracts/op-store.js';
import { arcContains, arcRanges } from '../op-location.js';
import { opKey, type OpRecord } from './op-record.js';
import { RangePager, type PagedSource } from './range-pager.js';

/**
 * Finds the smallest `createdAt` among a space's ops in a non-empty arc, within the caller's
 * transaction, by racing two scans chunk for chunk:
 * - the `ops` store in key order (`[space, createdAt, id, size]`) until the first op in the arc:
 *   cheap when the arc holds many ops (about one over the arc's share of them), but it reads
 *   everything when the arc holds none;
 * - the `[space, loc, storedAt]` index over the arc's ranges to their end, keeping the minimum:
 *   cheap when the arc holds few ops, however many others the space has.
 *
 * The first scan to finish answers, so the cost is at most about twice the cheaper plan's.
 *
 * @param ops - the `ops` store.
 * @param byLocation - its `[space, loc, storedAt]` index.
 * @param space - the space.
 * @param arc - a validated arc, not `null`.
 * @returns the earliest creation time, or `undefined` when the arc holds no op.
 */
export async function earliestInArc(
  ops: PagedSource,
  byLocation: PagedSource,
  space: string,
  arc: Exclude<DhtArc, null>,
): Promise<number | undefined> {
  // Arrays sort above every number and binary key, so `[space, []]` closes the space's range.
  const byTime = new RangePager<OpRecord>(ops, [space], [space, []], opKey);
  const byLoc = arcRanges(arc).map(
    ([low, high]) =>
      new RangePager<OpRecord>(byLocation, [space, low], [space, high, []], (r) => [
        space,
        r.loc,
        r.storedAt,
      ]),
  );
  let earliest: number | undefined;
  for (;;) {
    const locPager = byLoc.find((p) => !p.done);
    const [timed, inArc] = await Promise.all([byTime.next(), locPager?.next() ?? []]);
    const first = timed.find((r) => arcContains(arc, r.loc));
    if (first !== undefined) return first.createdAt;
    if (byTime.done) return undefined;
    for (const r of inArc) if (earliest === undefined || r.createdAt < earliest) earliest = r.createdAt;
    if (byLoc.every((p) => p.done)) return earliest;
  }
}
