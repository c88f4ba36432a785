/**
 * The `meta` key of the op clock's high-water mark: the last `storedAt` the store handed out,
 * in any space. Kept in the database, so the clock stays increasing across a reopen, a new
 * worker and every connection in other tabs.
 */
export const OP_CLOCK_KEY = 'opStore.clock';

/** The wall clock in microseconds since the Unix epoch. */
export function nowMicros(): number {
  return Date.now() * 1000;
}

/**
 * The op clock's next time: `max(now, last + 1)`, so it never repeats or goes back even when the
 * wall clock does, or when many ops are stored within one microsecond.
 *
 * @param last - the high-water mark, `undefined` before the first op.
 * @param now - the wall clock, from {@link nowMicros}.
 * @returns the next `storedAt`.
 */
export function opClockNext(last: number | undefined, now: number): number {
  return last === undefined ? now : Math.max(now, last + 1);
}
